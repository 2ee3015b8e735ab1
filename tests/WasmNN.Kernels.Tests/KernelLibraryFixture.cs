using WasmNN.Kernels;

namespace WasmNN.Kernels.Tests;

/// <summary>One library per test class: generating and compiling the module once keeps the suite fast.</summary>
public sealed class KernelLibraryFixture : IDisposable
{
    public KernelLibrary Library { get; } = KernelLibrary.Load();

    public void Dispose() => Library.Dispose();
}
