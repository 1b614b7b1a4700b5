from skillgraph.cli import main

main()
