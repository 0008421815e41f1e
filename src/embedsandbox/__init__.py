"""embedsandbox: run untrusted Python, JavaScript and TypeScript in WebAssembly, in-process.

    from embedsandbox import Sandbox

    with Sandbox() as sb:
        r = sb.run_script(language="python", code="print(6 * 7)")
        r.exit_code, r.stdout            # (0, "42" and a newline)

Results have the shapes of the Riza code-interpreter API (`embedsandbox.models`); errors
are in `embedsandbox.errors`. Custom runtimes (`sb.runtimes`) pin pip or npm packages that
runs load with `runtime_revision_id`. Tools (`sb.tools`, `sb.run_tool`) and the execution history
(`sb.executions`) live in the Sandbox's store, a SQLite file (`Sandbox(store=...)`).
"""

from ._egress import EgressOptions as EgressOptions
from ._options import PoolOptions as PoolOptions
from ._runtimes import Runtimes as Runtimes
from ._sandbox import Sandbox as Sandbox
from ._secrets import Secret as Secret
from ._secrets import SecretList as SecretList
from ._secrets import SecretStore as SecretStore
from ._sessions import Session as Session
from ._store import Executions as Executions
from ._tools import Tools as Tools
from .errors import EmbedSandboxError as EmbedSandboxError
from .errors import ExecutionFailed as ExecutionFailed
from .models import ExecuteFunctionRequest as ExecuteFunctionRequest
from .models import ExecuteFunctionResponse as ExecuteFunctionResponse
from .models import ExecuteRequest as ExecuteRequest
from .models import ExecuteResponse as ExecuteResponse
from .models import ExecuteToolRequest as ExecuteToolRequest
from .models import ExecuteToolResponse as ExecuteToolResponse
from .models import Execution as Execution
from .models import ExecutionList as ExecutionList
from .models import Limits as Limits
from .models import ManifestFile as ManifestFile
from .models import Runtime as Runtime
from .models import RuntimeList as RuntimeList
from .models import RuntimePackage as RuntimePackage
from .models import RuntimeRevision as RuntimeRevision
from .models import RuntimeRevisionList as RuntimeRevisionList
from .models import RuntimeStatus as RuntimeStatus
from .models import Tool as Tool
from .models import ToolList as ToolList

__version__ = "0.1.0"

__all__ = [
    "EgressOptions",
    "EmbedSandboxError",
    "ExecuteFunctionRequest",
    "ExecuteFunctionResponse",
    "ExecuteRequest",
    "ExecuteResponse",
    "ExecuteToolRequest",
    "ExecuteToolResponse",
    "Execution",
    "ExecutionFailed",
    "ExecutionList",
    "Executions",
    "Limits",
    "ManifestFile",
    "PoolOptions",
    "Runtime",
    "RuntimeList",
    "RuntimePackage",
    "RuntimeRevision",
    "RuntimeRevisionList",
    "RuntimeStatus",
    "Runtimes",
    "Sandbox",
    "Secret",
    "SecretList",
    "SecretStore",
    "Session",
    "Tool",
    "ToolList",
    "Tools",
]
