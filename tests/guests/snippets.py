"""The same small programs in each language, so one test can check every engine."""

from __future__ import annotations

ECHO_ARGS = {
    "python": "import sys, json; print(json.dumps(sys.argv[1:]))",
    "javascript": "console.log(JSON.stringify(process.argv.slice(2)))",
    "typescript": "const a: string[] = process.argv.slice(2); console.log(JSON.stringify(a))",
    "ruby": 'require "json"; puts JSON.generate(ARGV)',
    "php": '<?php echo json_encode(array_slice($argv, 1)), "\\n";',
}
ECHO_ENV = {
    "python": "import os, json; print(json.dumps(dict(os.environ)))",
    "javascript": "console.log(JSON.stringify(process.env))",
    "typescript": "console.log(JSON.stringify(process.env as Record<string, string>))",
    # ENV's strings carry the C locale's encoding (US-ASCII) here: tagged UTF-8 again.
    "ruby": 'require "json"; puts JSON.generate(ENV.to_h { |k, v| [k, v.dup.force_encoding("UTF-8")] })',
    "php": '<?php echo json_encode(getenv(), JSON_FORCE_OBJECT | JSON_UNESCAPED_UNICODE), "\\n";',
}
ECHO_STDIN = {
    "python": "import sys; sys.stdout.write(sys.stdin.read())",
    "javascript": "import fs from 'fs'; console.log(fs.readFileSync(0, 'utf8'))",
    "typescript": "import * as fs from 'fs'; const s: string = fs.readFileSync(0, 'utf8'); console.log(s)",
    "ruby": "print $stdin.read",
    "php": "<?php echo file_get_contents('php://stdin');",
}
READ_WRITE_FILE = {
    "python": (
        "data = open('in/data.txt').read()\n"
        "open('out.txt', 'w').write(data.upper())\n"
        "print(open('out.txt').read())"
    ),
    "javascript": (
        "import fs from 'fs';\n"
        "const data = fs.readFileSync('in/data.txt', 'utf8');\n"
        "fs.writeFileSync('out.txt', data.toUpperCase());\n"
        "console.log(fs.readFileSync('./out.txt', 'utf8'));"
    ),
    "typescript": (
        "import fs from 'fs';\n"
        "const data: string = fs.readFileSync('in/data.txt', 'utf8');\n"
        "fs.writeFileSync('out.txt', data.toUpperCase());\n"
        "console.log(fs.readFileSync('./out.txt', 'utf8'));"
    ),
    "ruby": (
        'data = File.read("in/data.txt")\n'
        'File.write("out.txt", data.upcase)\n'
        'puts File.read("./out.txt")'
    ),
    "php": (
        "<?php\n"
        "$data = file_get_contents('in/data.txt');\n"
        "file_put_contents('out.txt', mb_strtoupper($data));\n"
        "echo file_get_contents('./out.txt'), \"\\n\";"
    ),
}
EXIT_3 = {
    "python": "import sys; print('before'); sys.exit(3)",
    "javascript": "console.log('before'); process.exit(3); console.log('after')",
    "typescript": "console.log('before'); process.exit(3 as number); console.log('after')",
    "ruby": 'puts "before"; exit 3; puts "after"',
    "php": "<?php echo \"before\\n\"; exit(3); echo 'after';",
}
UNCAUGHT = {
    "python": "def boom():\n    raise ValueError('boom')\nboom()",
    "javascript": "function boom() { throw new Error('boom') }\nboom()",
    "typescript": "function boom(): never { throw new Error('boom') }\nboom()",
    "ruby": "def boom\n  raise 'boom'\nend\nboom",
    "php": "<?php\nfunction boom() { throw new RuntimeException('boom'); }\nboom();",
}
SET_GLOBAL = {
    "python": "import builtins; builtins.LEAK = 'x'; open('leak.txt', 'w').write('x')",
    "javascript": "globalThis.LEAK = 'x'; import fs from 'fs'; fs.writeFileSync('leak.txt', 'x')",
    "typescript": "(globalThis as any).LEAK = 'x'; import fs from 'fs'; fs.writeFileSync('leak.txt', 'x')",
    "ruby": '$LEAK = "x"; File.write("leak.txt", "x")',
    "php": "<?php $GLOBALS['LEAK'] = 'x'; define('LEAK', 'x'); file_put_contents('leak.txt', 'x');",
}
READ_GLOBAL = {
    "python": (
        "import builtins, os\nprint(getattr(builtins, 'LEAK', None), os.path.exists('leak.txt'))"
    ),
    "javascript": (
        "import fs from 'fs'; console.log(String(globalThis.LEAK), fs.existsSync('leak.txt'))"
    ),
    "typescript": (
        "import fs from 'fs'; console.log(String((globalThis as any).LEAK), fs.existsSync('leak.txt'))"
    ),
    "ruby": 'puts "#{$LEAK.inspect} #{File.exist?("leak.txt")}"',
    "php": (
        "<?php echo var_export($GLOBALS['LEAK'] ?? null, true), ' ', "
        "var_export(file_exists('leak.txt'), true), \"\\n\";"
    ),
}
IDENTITY = {
    "python": "def execute(input):\n    return input",
    "javascript": "function execute(input) { return input }",
    "typescript": "export function execute(input: unknown): unknown { return input }",
    "ruby": "def execute(input) = input",
    "php": "<?php function execute($input) { return $input; }",
}
ASYNC_FN = {
    "python": (
        "import asyncio\n"
        "async def execute(input):\n"
        "    await asyncio.sleep(0.01)\n"
        "    return {'doubled': input['n'] * 2}"
    ),
    "javascript": (
        "async function execute(input) {\n"
        "  await new Promise((r) => setTimeout ? setTimeout(r, 1) : r());\n"
        "  return { doubled: input.n * 2 };\n}"
    ),
    "typescript": (
        "export async function execute(input: { n: number }): Promise<{ doubled: number }> {\n"
        "  await Promise.resolve();\n"
        "  return { doubled: input.n * 2 };\n}"
    ),
    "ruby": (
        "def execute(input)\n"
        "  fiber = Fiber.new { Fiber.yield(input['n'] * 2) }\n"
        "  { doubled: fiber.resume }\n"
        "end"
    ),
    "php": (
        "<?php\n"
        "function execute($input) {\n"
        "  $gen = (function () use ($input) { yield $input['n'] * 2; })();\n"
        "  return ['doubled' => $gen->current()];\n}"
    ),
}
PRINTING_FN = {
    "python": "def execute(input):\n    print('to stdout')\n    return 'value'",
    "javascript": "function execute(input) { console.log('to stdout'); return 'value' }",
    "typescript": "function execute(input: null): string { console.log('to stdout'); return 'value' }",
    "ruby": "def execute(input)\n  puts 'to stdout'\n  'value'\nend",
    "php": "<?php function execute($input) { echo \"to stdout\\n\"; return 'value'; }",
}
RETURNS_NOTHING = {
    "python": "def execute(input):\n    pass",
    "javascript": "function execute(input) {}",
    "typescript": "function execute(input: unknown): void {}",
    "ruby": "def execute(input)\nend",
    "php": "<?php function execute($input) {}",
}
NOT_SERIALIZABLE = {
    "python": ("def execute(input):\n    return {1, 2}", "set"),
    "javascript": ("function execute(input) { return 10n }", "BigInt"),
    "typescript": ("function execute(input: unknown): bigint { return 10n }", "BigInt"),
    "ruby": ("def execute(input) = Object.new", "Object"),
    "php": ("<?php function execute($input) { return fopen('php://memory', 'r'); }", "resource"),
}
RAISES = {
    "python": "def execute(input):\n    raise KeyError('missing')",
    "javascript": "function execute(input) { throw new TypeError('missing') }",
    "typescript": "function execute(input: unknown): never { throw new TypeError('missing') }",
    "ruby": "def execute(input) = raise(KeyError, 'missing')",
    "php": "<?php function execute($input) { throw new OutOfBoundsException('missing'); }",
}
NO_EXECUTE = {
    "python": "def run(input):\n    return 1",
    "javascript": "function run(input) { return 1 }",
    "typescript": "function run(input: unknown): number { return 1 }",
    "ruby": "def run(input) = 1",
    "php": "<?php function run($input) { return 1; }",
}
CPU_LOOP = {
    "python": "while True:\n    pass",
    "javascript": "while (true) {}",
    "typescript": "while (true as boolean) {}",
    "ruby": "loop {}",
    "php": "<?php while (true) {}",
}
MEMORY_BOMB = {
    "python": "chunks = []\nwhile True:\n    chunks.append(bytearray(1 << 20))",
    "javascript": "const a = []; while (true) a.push('x'.repeat(1 << 16) + a.length)",
    "typescript": "const a: string[] = []; while (true) a.push('x'.repeat(1 << 16) + a.length)",
    "ruby": 'chunks = []\nloop { chunks << "x" * (1 << 20) }',
    "php": "<?php $chunks = []; while (true) { $chunks[] = str_repeat('x', 1 << 20); }",
}
OUTPUT_FLOOD = {
    "python": "while True:\n    print('x' * 100)",
    "javascript": "while (true) console.log('x'.repeat(100))",
    "typescript": "while (true) console.log('x'.repeat(100) as string)",
    "ruby": 'loop { puts "x" * 100 }',
    "php": "<?php while (true) { echo str_repeat('x', 100), \"\\n\"; }",
}
DEEP_RECURSION = {
    "python": "import sys\nsys.setrecursionlimit(10**7)\ndef f(n):\n    return f(n + 1)\nf(0)",
    "javascript": "function f(n) { return f(n + 1) + 1 }\nf(0)",
    "typescript": "function f(n: number): number { return f(n + 1) + 1 }\nf(0)",
    "ruby": "def f(n) = f(n + 1) + 1\nf(0)",
    "php": "<?php function f($n) { return f($n + 1) + 1; }\nf(0);",
}
SLEEP_10 = {
    "python": "import time\ntime.sleep(10)",
    "ruby": "sleep 10",
    "php": "<?php sleep(10);",
}
HELLO = {
    "python": "print('hello')",
    "javascript": "console.log('hello')",
    "typescript": "console.log('hello')",
    "ruby": "puts 'hello'",
    "php": '<?php echo "hello\\n";',
}
# print(n): format with the number.
PRINT = {
    "python": "print({})",
    "javascript": "console.log({})",
    "typescript": "console.log({})",
    "ruby": "puts {}",
    "php": '<?php echo {}, "\\n";',
}
COMMENT = {"python": "#", "javascript": "//", "typescript": "//", "ruby": "#", "php": "//"}
SUM_TO_1000 = {
    "python": "print(sum(range(1000)))",
    "javascript": "let s = 0; for (let i = 0; i < 1000; i++) s += i; console.log(s)",
    "typescript": "let s = 0; for (let i = 0; i < 1000; i++) s += i; console.log(s)",
    "ruby": "s = 0; 1000.times { |i| s += i }; puts s",
    "php": '<?php echo array_sum(range(0, 999)), "\\n";',
}
OUT_AND_ERR = {
    "python": "print('guest-out'); import sys; print('guest-err', file=sys.stderr)",
    "javascript": "console.log('guest-out'); console.error('guest-err')",
    "typescript": "console.log('guest-out'); console.error('guest-err')",
    "ruby": "puts 'guest-out'; $stderr.puts 'guest-err'",
    "php": '<?php echo "guest-out\\n"; fwrite(STDERR, "guest-err\\n");',
}
# What READ_GLOBAL prints in a fresh guest.
NOTHING_LEAKED = {
    "python": "None False\n",
    "javascript": "undefined false\n",
    "typescript": "undefined false\n",
    "ruby": "nil false\n",
    "php": "NULL false\n",
}
# Leaves report.txt (text), out/img.bin (bytes 0..255), out/deep/n.txt and skip.log behind.
WRITE_OUTPUTS = {
    "python": (
        "import os\n"
        "open('report.txt', 'w').write('total: 42 é\\n')\n"
        "os.makedirs('out/deep')\n"
        "open('out/img.bin', 'wb').write(bytes(range(256)))\n"
        "open('out/deep/n.txt', 'w').write('n')\n"
        "open('skip.log', 'w').write('no')\n"
    ),
    "javascript": (
        "const fs = require('fs');\n"
        "fs.writeFileSync('report.txt', 'total: 42 é\\n');\n"
        "fs.mkdirSync('out/deep', { recursive: true });\n"
        "fs.writeFileSync('out/img.bin', Uint8Array.from({ length: 256 }, (_, i) => i));\n"
        "fs.writeFileSync('out/deep/n.txt', 'n');\n"
        "fs.writeFileSync('skip.log', 'no');\n"
    ),
    "typescript": (
        "import * as fs from 'fs';\n"
        "const text: string = 'total: 42 é\\n';\n"
        "fs.writeFileSync('report.txt', text);\n"
        "fs.mkdirSync('out/deep', { recursive: true });\n"
        "fs.writeFileSync('out/img.bin', Uint8Array.from({ length: 256 }, (_, i: number) => i));\n"
        "fs.writeFileSync('out/deep/n.txt', 'n');\n"
        "fs.writeFileSync('skip.log', 'no');\n"
    ),
    "ruby": (
        "require 'fileutils'\n"
        "File.write('report.txt', \"total: 42 é\\n\")\n"
        "FileUtils.mkdir_p('out/deep')\n"
        "File.binwrite('out/img.bin', (0..255).map(&:chr).join.b)\n"
        "File.write('out/deep/n.txt', 'n')\n"
        "File.write('skip.log', 'no')\n"
    ),
    "php": (
        "<?php\n"
        "file_put_contents('report.txt', \"total: 42 é\\n\");\n"
        "mkdir('out/deep', 0777, true);\n"
        "file_put_contents('out/img.bin', implode('', array_map('chr', range(0, 255))));\n"
        "file_put_contents('out/deep/n.txt', 'n');\n"
        "file_put_contents('skip.log', 'no');\n"
    ),
}
# Catches the error a refused allocation raises and goes on as if under its cap.
MEMORY_BOMB_RESCUED = {
    "python": (
        "try:\n    s = 'x' * 500_000_000\nexcept BaseException as e:\n"
        "    print('rescued', type(e).__name__)\nprint('done')"
    ),
    "ruby": (
        "begin\n  s = 'x' * 500_000_000\nrescue Exception => e\n"
        "  puts \"rescued #{e.class}\"\nend\nputs 'done'"
    ),
    # A PHP fatal error (out of memory) cannot be caught; a shutdown function still runs
    # after it and may exit 0.
    "php": (
        "<?php\nregister_shutdown_function(function () {\n"
        '  echo "rescued in a shutdown function\\ndone\\n"; exit(0);\n});\n'
        "$s = str_repeat('x', 500000000);\n"
    ),
}
