using System.Runtime.InteropServices;
using WasmNN.Engine;
using WasmNN.Kernels.Frontend;
using WasmNN.Kernels.Generation;

namespace WasmNN.Kernels;

/// <summary>
/// The operator library <c>wasmnn_ops.wasm</c> instantiated on our engine, with an allocator over its linear memory:
/// the factory and executor for <see cref="WasmTensor{T}"/>. A framework expression such as
/// <c>(x.MatMul(w) + b).Relu()</c> runs op by op, each op one call into the module.
/// </summary>
/// <example>
/// <code>
/// using var ops = KernelLibrary.Load();
/// using var x = ops.FromArray(input, 2, 3);
/// using var w = ops.FromArray(weights, 3, 4);
/// using var y = x.MatMul(w).Relu();
/// float[] result = y.ToArray();
/// </code>
/// </example>
/// <remarks>
/// Not thread-safe: use one library per thread. Tensors are freed by <see cref="WasmTensor{T}.Dispose"/>; temporaries
/// of an expression that are never disposed are freed after the garbage collector finalizes them.
/// </remarks>
public sealed partial class KernelLibrary : IDisposable
{
    private readonly Instance _instance;
    private readonly WasmMemory _memory;
    private readonly Dictionary<string, BoundKernel> _kernels = [];
    private bool _disposed;

    private KernelLibrary(Instance instance)
    {
        _instance = instance;
        _memory = instance.GetMemory(KernelModuleGenerator.MemoryExport)
            ?? throw new InvalidOperationException($"the kernel module exports no memory named '{KernelModuleGenerator.MemoryExport}'");
        foreach (var kernel in KernelCatalog.All)
        {
            var function = instance.GetFunction(kernel.Name) ?? throw new InvalidOperationException($"the kernel module does not export '{kernel.Name}'");
            _kernels.Add(kernel.Name, new BoundKernel(kernel, function));
        }
        Allocator = new LinearMemoryAllocator(_memory);
    }

    /// <summary>The bytes of <c>wasmnn_ops.wasm</c>: every kernel of <see cref="KernelCatalog.All"/> and an exported memory.</summary>
    /// <remarks>The module has no imports; it runs on our engine, V8 (Node, browsers) and any wasm 2.0 host with SIMD128.</remarks>
    public static byte[] Generate() => KernelModuleGenerator.Generate(KernelCatalog.All);

    /// <summary>Generates the module, compiles it and instantiates it on a new engine.</summary>
    /// <param name="options">Engine limits (memory cap, ...); defaults when null.</param>
    public static KernelLibrary Load(EngineOptions? options = null) => Load(Generate(), options);

    /// <summary>Instantiates a previously generated <c>wasmnn_ops.wasm</c>.</summary>
    /// <exception cref="InvalidOperationException">The module lacks a kernel of the catalog or has another signature.</exception>
    public static KernelLibrary Load(byte[] module, EngineOptions? options = null)
    {
        var engine = new Engine.Engine(options);
        var instance = new Linker(engine).Instantiate(engine.Compile(module));
        return new KernelLibrary(instance);
    }

    /// <summary>The module's linear memory (tensor data lives here).</summary>
    public WasmMemory Memory => _memory;

    /// <summary>Bytes of linear memory held by live tensors and raw allocations.</summary>
    /// <remarks>Blocks of tensors finalized without Dispose are freed first: they are not live, only queued.</remarks>
    public long AllocatedBytes
    {
        get
        {
            Allocator.DrainPendingFrees();
            return Allocator.AllocatedBytes;
        }
    }

    /// <summary>Number of live blocks (tensor buffers and raw allocations).</summary>
    /// <remarks>Blocks of tensors finalized without Dispose are freed first: they are not live, only queued.</remarks>
    public int LiveAllocations
    {
        get
        {
            Allocator.DrainPendingFrees();
            return Allocator.AllocationCount;
        }
    }

    internal LinearMemoryAllocator Allocator { get; }

    /// <summary>Calls the kernel named <paramref name="kernel"/> with raw i32 arguments (addresses and sizes).</summary>
    /// <exception cref="KeyNotFoundException">No such kernel.</exception>
    /// <exception cref="WasmTrapException">The kernel trapped.</exception>
    public void Invoke(string kernel, params ReadOnlySpan<int> arguments)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_kernels.TryGetValue(kernel, out var bound)) throw new KeyNotFoundException($"no kernel named '{kernel}'");
        bound.Invoke(arguments);
    }

    /// <summary>Allocates <paramref name="bytes"/> bytes of linear memory (16-byte aligned, never address 0).</summary>
    public int Allocate(long bytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Allocator.Allocate(bytes);
    }

    /// <summary>Frees a block from <see cref="Allocate"/>.</summary>
    public void Free(int address)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Allocator.Free(address);
    }

    /// <summary>A tensor of <paramref name="shape"/> holding a copy of <paramref name="data"/> (row-major).</summary>
    /// <exception cref="ArgumentException">The data length is not the product of the shape.</exception>
    public WasmTensor<T> FromArray<T>(ReadOnlySpan<T> data, params int[] shape) where T : unmanaged
    {
        var tensor = Empty<T>(shape);
        if (data.Length != tensor.Length)
        {
            tensor.Dispose();
            throw new ArgumentException($"{data.Length} values do not fill shape [{string.Join(", ", shape)}] ({tensor.Length} elements)", nameof(data));
        }
        data.CopyTo(tensor.Span);
        return tensor;
    }

    /// <summary>A tensor of <paramref name="shape"/> filled with zeros.</summary>
    public WasmTensor<T> Zeros<T>(params int[] shape) where T : unmanaged
    {
        var tensor = Empty<T>(shape);
        tensor.Span.Clear();
        return tensor;
    }

    /// <summary>A rank-0 tensor holding <paramref name="value"/>.</summary>
    public WasmTensor<T> Scalar<T>(T value) where T : unmanaged => FromArray<T>([value]);

    /// <summary>A tensor of <paramref name="shape"/> with unspecified contents.</summary>
    internal WasmTensor<T> Empty<T>(int[] shape) where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var type = ElementTypeExtensions.Of<T>();
        long length = 1;
        foreach (int d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            length *= d;
        }
        long bytes = length * type.SizeInBytes();
        return new WasmTensor<T>(this, new TensorStorage(Allocator, Allocator.Allocate(bytes), bytes), [.. shape]);
    }

    /// <summary>The bytes of a block as a span of <typeparamref name="T"/> (valid until the memory next grows).</summary>
    internal Span<T> View<T>(int address, int length) where T : unmanaged =>
        MemoryMarshal.Cast<byte, T>(_memory.GetSpan(address, length * Marshal.SizeOf<T>()));

    internal BoundKernel Kernel(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _kernels[name];
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    internal bool IsDisposed => _disposed;

    /// <summary>Frees the linear memory. Tensors of this library must not be used afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _memory.Dispose();
        GC.KeepAlive(_instance);
    }
}
