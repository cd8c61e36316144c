"""One data function per view: the HTML pages, the JSON API and the downloads all call these."""
