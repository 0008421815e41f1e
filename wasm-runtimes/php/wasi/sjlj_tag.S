# The Wasm exception tag that wasi-libc's longjmp (__wasm_longjmp) throws and the code that
# LLVM emits for setjmp (-mllvm -wasm-enable-sjlj) catches. wasi-libc references it but, as
# built by zig 0.17.0, does not define it; without this file the link fails with
# "undefined symbol: __c_longjmp". Its one parameter is the address of the jmp_buf's arg.
.globl __c_longjmp
.tagtype __c_longjmp i32
__c_longjmp:
