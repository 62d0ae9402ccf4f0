from runhub.cli.main import cli

cli()
