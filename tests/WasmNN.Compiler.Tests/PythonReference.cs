using WasmNN.Compiler.IO;
using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Tests;

/// <summary>
/// Expected values written by a Python reference script (numpy, PyTorch) beside the test assembly: the script runs
/// once, as <c>/usr/bin/python3 SCRIPT FOLDER</c>, into a temporary folder, and tests read its <c>.npy</c> files by name.
/// </summary>
public class PythonReference : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("wasmnn-python-");

    /// <summary>Runs <paramref name="script"/> (a path relative to the test assembly).</summary>
    protected PythonReference(params string[] script)
    {
        var path = Path.Combine([AppContext.BaseDirectory, .. script]);
        var result = ProcessRunner.Run("/usr/bin/python3", [path, _folder.FullName]);
        Assert.True(result.ExitCode == 0, "python3 with numpy and torch is required (scripts/test.sh installs them): " + result.Stderr);
    }

    /// <summary>True when the script wrote <c>NAME.npy</c>.</summary>
    public bool Has(string name) => File.Exists(PathOf(name));

    /// <summary>The tensor the script wrote as <c>NAME.npy</c>.</summary>
    public Tensor this[string name] => Npy.Read(PathOf(name));

    private string PathOf(string name) => Path.Combine(_folder.FullName, name + ".npy");

    /// <inheritdoc/>
    public void Dispose()
    {
        _folder.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }
}
