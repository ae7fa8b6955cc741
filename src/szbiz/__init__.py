"""szbiz: track Shenzhen's 2020 business-environment reform task list."""

__version__ = "0.1.0"
