"""Optional integrations with agent frameworks and test runners, one module per framework.

Each is an extra (`pip install 'embedsandbox[mcp]'`, ...) and is imported only when used:
`import embedsandbox` imports none of them.
"""
