"""The one application layer under the command line and the web app (issue 25, points 3 and 4).

    requests.py   a frozen request per command, sharing the run's settings (`Run`)
    sources.py    `Source(name, data)`: an input as bytes with its name; `load_campaign(source)`
    session.py    `Session`: the campaign and plans folders, the inputs read, the bounded caches
    commands.py   evaluate / award / explain / near / report / verify (session, request) → result
    renderers.py  (command, format) → a function giving bytes or pieces of text

cli.py and the web routes only turn their arguments into requests and write what comes back.
"""
