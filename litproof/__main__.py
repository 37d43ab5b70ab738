from litproof.cli import main

raise SystemExit(main())
