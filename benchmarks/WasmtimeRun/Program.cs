using Wasmtime;

// wasmtime-run PROGRAM.wasm [ARGS...]: runs the WASI preview1 command on wasmtime's defaults (Cranelift, no fuel or
// epoch interruption, as the wasmtime CLI runs it), stdout and stderr inherited; exits with the guest's exit code.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: wasmtime-run PROGRAM.wasm [ARGS...]");
    return 2;
}
using var engine = new Engine();
Module module;
try
{
    module = Module.FromFile(engine, args[0]);
}
catch (Exception e) when (e is WasmtimeException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"{args[0]}: {e.Message.Split('\n')[0]}");
    return 2;
}
using (module)
{
    using var linker = new Linker(engine);
    using var store = new Store(engine);
    linker.DefineWasi();
    store.SetWasiConfiguration(new WasiConfiguration()
        .WithArgs(args)
        .WithInheritedStandardOutput()
        .WithInheritedStandardError());
    try
    {
        linker.Instantiate(store, module).GetAction("_start")?.Invoke();
        return 0;
    }
    catch (WasmtimeException e) when (e.ExitCode is { } exitCode)
    {
        return exitCode;
    }
    catch (TrapException e)
    {
        Console.Error.WriteLine($"{args[0]}: trap: {e.Message.Split('\n')[0]}");
        return 1;
    }
}
