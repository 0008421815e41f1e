"""The HTTP server (extra `server`): the Riza API over HTTP, for its official clients.

`create_app(ServerOptions(...))` returns the FastAPI app; `serve(...)` runs it on uvicorn
(`embedsandbox serve`). Needs `pip install 'embedsandbox[server]'`.
"""

from ._app import ServerOptions as ServerOptions
from ._app import create_app as create_app
from ._app import serve as serve

__all__ = ["ServerOptions", "create_app", "serve"]
