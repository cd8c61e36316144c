from oppvekst.cli import app

app()
