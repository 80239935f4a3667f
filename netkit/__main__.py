"""Allow ``python -m netkit``."""

from netkit.cli import main

if __name__ == "__main__":
    main()
