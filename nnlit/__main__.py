from nnlit.cli import main

raise SystemExit(main())
