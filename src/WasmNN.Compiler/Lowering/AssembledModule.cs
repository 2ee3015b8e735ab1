using WasmNN.Compiler.Abi;
using WasmNN.Wasm;
using WasmNN.Wasm.Writing;

namespace WasmNN.Compiler.Lowering;

/// <summary>
/// A module ready to encode: its sections in memory and its weights as segments written straight to the output
/// (read from the ONNX file and packed on the way), so writing it never holds a second copy of the weights. With
/// external weights, the weights go to their own file first, whose checksum then completes the module.
/// </summary>
internal sealed class AssembledModule
{
    private readonly WasmModule _module;
    private readonly IReadOnlyList<StreamedDataSegment> _data;
    private readonly ExternalWeights? _external;
    private bool _weightsWritten;

    /// <param name="module">Everything but the streamed segments.</param>
    /// <param name="data">The data segments written with the module, after its own.</param>
    /// <param name="metadata">The module's metadata (its weights checksum still unknown when external).</param>
    /// <param name="external">The external weights, or null when they are embedded.</param>
    public AssembledModule(WasmModule module, IReadOnlyList<StreamedDataSegment> data, ModelMetadata metadata, ExternalWeights? external)
    {
        _module = module;
        _data = data;
        _external = external;
        Metadata = metadata;
        Length = ModuleWriter.Measure(module, data);
    }

    /// <summary>The size of the encoded module (the checksum's encoding has a fixed size), without producing the weights.</summary>
    public long Length { get; }

    /// <summary>The metadata; with external weights, its checksum is known once <see cref="WriteWeights"/> has run.</summary>
    public ModelMetadata Metadata { get; private set; }

    /// <summary>True when the weights go to a file of their own (<see cref="WriteWeights"/>).</summary>
    public bool HasExternalWeights => _external is not null;

    /// <summary>
    /// Writes the weights file (header and payload) to <paramref name="destination"/>, and completes the module with
    /// its checksum. The header's checksum is known only after the payload, so the destination must be seekable.
    /// </summary>
    public void WriteWeights(Stream destination)
    {
        var external = _external ?? throw new InvalidOperationException("the weights are embedded in the module");
        var start = destination.Position;
        destination.Write(new byte[WeightsFile.HeaderBytes]);
        var checksum = external.WritePayload(destination);
        Complete(checksum);
        var end = destination.Position;
        destination.Position = start;
        destination.Write(WeightsFile.Header(Metadata.Weights!, Metadata.Model));
        destination.Position = end;
    }

    /// <summary>Encodes the module into <paramref name="destination"/> (with external weights, after <see cref="WriteWeights"/>; else they are computed here).</summary>
    public void WriteTo(Stream destination)
    {
        if (_external is not null && !_weightsWritten)
        {
            // Only the checksum is needed: run the payload through it without keeping it.
            Complete(_external.WritePayload(Stream.Null));
        }
        ModuleWriter.Write(_module, destination, _data);
    }

    private void Complete(uint checksum)
    {
        _external!.SetChecksum(_module, checksum);
        Metadata = Metadata with { Weights = Metadata.Weights! with { Checksum = checksum.ToString("x8") } };
        var index = _module.CustomSections.FindIndex(c => c.Name == ModelAbi.MetadataSection);
        _module.CustomSections[index] = _module.CustomSections[index] with { Content = Metadata.ToUtf8() };
        _weightsWritten = true;
    }
}
