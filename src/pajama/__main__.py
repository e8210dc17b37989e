import sys

from pajama.cli import main

sys.exit(main())
