"""A web server on 127.0.0.1 for the loaders' tests: no test ever uses the network.

A Server (the `server` fixture of conftest.py, one per test module) serves, by name, the
files a test puts in `server.files`; names in `server.short` are cut off mid-body (the
header promised the whole file). `server.use(mp)` empties it and makes sure no proxy stands
between the loader and it.
"""

import http.server
import threading


class Server:
    """Files by name over HTTP on 127.0.0.1; `short` names are cut off mid-body."""

    def __init__(self):
        self.files, self.requests, self.short = {}, [], set()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                name = self.path.rsplit("/", 1)[-1]
                server.requests.append(name)
                body = server.files.get(name)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                # A cut connection: the header promised the whole file.
                self.wfile.write(body[: len(body) // 2] if name in server.short else body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/mnist/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.01,),
                                       daemon=True)
        self.thread.start()

    def reset(self):
        self.files.clear()
        self.requests.clear()
        self.short.clear()

    def use(self, monkeypatch):
        """Start a test afresh: no files, no requests, and no proxy in the way."""
        for var in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
            monkeypatch.delenv(var, raising=False)
        monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
        self.reset()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
