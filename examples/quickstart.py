"""The README's quick start: a script and a function in fresh WebAssembly guests."""

from embedsandbox import Sandbox

with Sandbox() as sb:
    r = sb.run_script(language="python", code="import sys; print(sys.argv[1:])", args=["a"])
    print(r.exit_code, r.stdout, end="")  # 0 ['a']
    f = sb.run_function(
        language="typescript",
        code="export function execute(input: {x: number}) { return input.x + 1 }",
        input={"x": 1},
    )
    print(f.output, f.output_status.value)  # 2 valid
    loop = sb.run_script(
        language="javascript", code="while (true) {}", limits={"execution_timeout": 1}
    )
    print(loop.exit_code, loop.limit_hit.value if loop.limit_hit else None)  # 1 execution_timeout
