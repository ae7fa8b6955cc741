from szbiz.cli import main

main()
