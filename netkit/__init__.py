"""netkit — a plain-text, git-friendly toolkit for keeping a professional network healthy."""

__version__ = "0.1.0"
