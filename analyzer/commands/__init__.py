"""What each CLI subcommand does; ``cli.py`` only parses arguments and calls these."""
