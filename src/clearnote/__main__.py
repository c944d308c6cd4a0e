from clearnote.cli import run

run()
