"""What writes into content/: ``publish new`` and ``publish dates --suggest``."""
