from prefcraft.cli import main

main()
