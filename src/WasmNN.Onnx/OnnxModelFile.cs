using WasmNN.Onnx.Protos;

namespace WasmNN.Onnx;

/// <summary>Bytes of a file holding a tensor's elements, read only when they are needed.</summary>
/// <param name="Path">The file (absolute).</param>
/// <param name="Offset">Offset of the first byte.</param>
/// <param name="Length">Number of bytes.</param>
public sealed record TensorDataRange(string Path, long Offset, long Length);

/// <summary>
/// A model parsed without its weights (<see cref="OnnxModelLoader.OpenModel"/>): the top-level graph's initializers
/// carry no raw_data and no external-data references; <see cref="DataRanges"/> says where each one's bytes are in
/// the model file or its external data files. A compiler streams them from there, so no copy of the whole model's
/// weights is ever in memory.
/// </summary>
/// <param name="Model">The model; initializers listed in <see cref="DataRanges"/> have no data of their own.</param>
/// <param name="DataRanges">Where each initializer's little-endian raw bytes are, by tensor (reference equality).</param>
public sealed record OnnxModelFile(ModelProto Model, IReadOnlyDictionary<TensorProto, TensorDataRange> DataRanges);
