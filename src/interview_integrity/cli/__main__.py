import sys

from interview_integrity.cli.main import main

sys.exit(main())
