import sys

from wargame.cli import main

sys.exit(main())
