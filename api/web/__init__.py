"""The web pages (招商地图 in the browser): server-rendered shells whose scripts call the JSON
API with the signed-in user's token. Every asset is served from this package; nothing is
fetched from a CDN at run time."""
