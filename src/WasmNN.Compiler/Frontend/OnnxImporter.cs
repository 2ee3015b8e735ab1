using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Onnx;
using WasmNN.Onnx.Protos;

namespace WasmNN.Compiler.Frontend;

/// <summary>
/// Builds the IR <see cref="Graph"/> from an ONNX model: initializers and Constant nodes become constant values,
/// every other node binds to its operator for the model's ai.onnx opset, and output types are inferred as nodes
/// are added. Errors name the file, node, op_type and opset.
/// </summary>
public static class OnnxImporter
{
    /// <summary>The ai.onnx opset released with ai.onnx.preview.training version 1.</summary>
    public const int TrainingDomainBaseOpset = 12;

    /// <summary>Loads and imports a model file (external data relative to its directory).</summary>
    /// <exception cref="OnnxFormatException">The file is unreadable, corrupt or truncated.</exception>
    /// <exception cref="UnsupportedOperatorException">An operator, opset or data type is not supported.</exception>
    /// <exception cref="GraphException">The graph is malformed.</exception>
    /// <remarks>Initializers' bytes stay in the files (<see cref="OnnxModelLoader.OpenModel"/>) until they are needed.</remarks>
    public static Graph Import(string path)
    {
        var file = OnnxModelLoader.OpenModel(path);
        return Import(file.Model, Path.GetFileName(path), file.DataRanges);
    }

    /// <summary>Loads and imports a model from a stream.</summary>
    public static Graph Import(Stream stream, string sourceName, string? baseDirectory = null) =>
        Import(OnnxModelLoader.LoadModel(stream, sourceName, baseDirectory), sourceName);

    /// <summary>Imports a parsed model.</summary>
    /// <param name="model">The model (external data already inlined).</param>
    /// <param name="sourceName">Used in error messages.</param>
    public static Graph Import(ModelProto model, string sourceName) => Import(model, sourceName, null);

    private static Graph Import(ModelProto model, string sourceName, IReadOnlyDictionary<TensorProto, TensorDataRange>? dataRanges)
    {
        var opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => (int)o.Version).DefaultIfEmpty(-1).Max();
        if (opset < 0 && model.OpsetImport.Count > 0 && model.OpsetImport.All(o => o.Domain == OptimizerOperator.TrainingDomain))
        {
            // A graph of training operators alone (the optimizer node tests): their expansion uses the standard
            // operators of the opset the training domain's version 1 was released with.
            opset = TrainingDomainBaseOpset;
        }
        if (opset < 0)
        {
            var domains = string.Join(", ", model.OpsetImport.Select(o => $"'{o.Domain}' v{o.Version}"));
            throw new UnsupportedOperatorException($"{sourceName}: model imports no ai.onnx opset (only {domains})");
        }
        var proto = model.Graph ?? throw new GraphException($"{sourceName}: model has no graph");
        var graph = new Graph(string.IsNullOrEmpty(proto.Name) ? Path.GetFileNameWithoutExtension(sourceName) : proto.Name, opset);
        var scope = new Scope(null, graph, sourceName);
        foreach (var input in proto.Input)
        {
            if (proto.Initializer.Any(i => i.Name == input.Name))
            {
                continue; // IR < 4 lists initializers among the inputs too.
            }
            var (type, shape, kind) = ReadType(input, sourceName);
            graph.Inputs.Add(new Value(input.Name, type, shape) { DimNames = ReadDimNames(input), Kind = kind });
        }
        ImportBody(proto, scope, "", dataRanges);
        return graph;
    }

    /// <summary>
    /// Fills <paramref name="scope"/>'s graph from <paramref name="proto"/>: initializers, the inputs already in the
    /// graph, nodes in order, outputs. Unnamed nodes get <paramref name="namePrefix"/> + op_type + index.
    /// </summary>
    private static void ImportBody(GraphProto proto, Scope scope, string namePrefix, IReadOnlyDictionary<TensorProto, TensorDataRange>? dataRanges = null)
    {
        var (graph, sourceName, opset) = (scope.Graph, scope.SourceName, scope.Graph.Opset);
        foreach (var initializer in proto.Initializer)
        {
            var value = new Value(initializer.Name, OnnxTensors.ToTensor(initializer, sourceName, dataRanges?.GetValueOrDefault(initializer)));
            scope.Define(value, "initializer");
            graph.Initializers.Add(value);
        }
        if (proto.SparseInitializer.Count > 0)
        {
            throw new UnsupportedOperatorException($"{sourceName}: sparse initializers are not supported");
        }
        foreach (var input in graph.Inputs)
        {
            scope.Define(input, "graph input");
        }
        var declared = proto.ValueInfo.Concat(proto.Output).Where(v => v.Type?.TensorType is not null)
            .GroupBy(v => v.Name).ToDictionary(g => g.Key, g => g.First());

        for (var index = 0; index < proto.Node.Count; index++)
        {
            var nodeProto = proto.Node[index];
            var name = string.IsNullOrEmpty(nodeProto.Name) ? $"{namePrefix}{nodeProto.OpType}_{index}" : nodeProto.Name;
            var where = $"{sourceName}: node '{name}' ({nodeProto.OpType}, opset {opset})";
            var domain = nodeProto.Domain is "ai.onnx" ? "" : nodeProto.Domain;
            if (domain != "" && !OperatorRegistry.All.Any(o => o.Domain == domain))
            {
                throw new UnsupportedOperatorException($"{where}: operator domain '{nodeProto.Domain}' is not supported");
            }
            // Subgraph attributes (If's branches) read outer values by name; those become extra node inputs after
            // the declared ones, and each branch takes them as its graph inputs in the same order.
            var captures = new List<Value>();
            var branches = new List<Scope>();
            var attributes = new AttributeBag(nodeProto.Attribute.Select(a => KeyValuePair.Create(a.Name,
                a.Type == AttributeProto.Types.AttributeType.Graph ? ImportSubgraph(a, scope, name, nodeProto.OpType is "Loop" or "Scan" or "SequenceMap" ? nodeProto.Input : null, captures, branches, where) : ReadAttribute(a, where))))
            {
                OutputCount = nodeProto.Output.Count,
                InputCount = nodeProto.Input.Count,
            };
            foreach (var branch in branches)
            {
                branch.Graph.Inputs.AddRange(captures.Select(branch.Placeholder));
            }
            if (nodeProto.OpType == "Constant")
            {
                var constant = ((ConstantAttributes)new ConstantOperator().ParseAttributes(attributes, opset)).Value;
                var value = new Value(nodeProto.Output[0], constant);
                scope.Define(value, "value");
                graph.Initializers.Add(value);
                continue;
            }
            OnnxOperator op;
            try
            {
                op = OperatorRegistry.Resolve(nodeProto.OpType, opset, name);
            }
            catch (UnsupportedOperatorException e)
            {
                // The registry names the node; the file goes in front, as in every other import error.
                throw new UnsupportedOperatorException($"{sourceName}: {e.Message}", e);
            }
            if (op.Domain != domain)
            {
                throw new UnsupportedOperatorException($"{where}: operator {op.OpType} belongs to domain '{op.Domain}', not '{domain}'");
            }
            var inputs = nodeProto.Input.Select(n => string.IsNullOrEmpty(n) ? null
                : scope.Lookup(n) ?? throw new GraphException($"{where}: input '{n}' is not a graph input, initializer or output of an earlier node")).ToList();
            inputs.AddRange(captures);
            var outputs = nodeProto.Output.Select(n => string.IsNullOrEmpty(n) ? null : new Value(n, DataType.Float32, null)).ToList();
            OperatorAttributes typed;
            IReadOnlyList<Value?> upgraded;
            try
            {
                typed = op.ParseAttributes(attributes, opset);
                upgraded = op.UpgradeInputs(inputs, opset);
            }
            catch (OperatorException e)
            {
                throw new GraphException($"{where}: {e.Message}", e);
            }
            catch (UnsupportedOperatorException e)
            {
                throw new UnsupportedOperatorException($"{where}: {e.Message}", e);
            }
            var named = op.ValuesNamedByAttributes(typed);
            if (named.Count > 0)
            {
                upgraded = [.. upgraded, .. named.Select(n => scope.Lookup(n)
                    ?? throw new GraphException($"{where}: an attribute names '{n}', which is not a graph input, initializer or output of an earlier node"))];
            }
            graph.Initializers.AddRange(upgraded.OfType<Value>().Where(v => v.IsConstant && !inputs.Contains(v)));
            var node = new Node(name, op, opset, typed, [.. upgraded], outputs);
            try
            {
                Graph.InferNodeTypes(node);
            }
            catch (UnsupportedOperatorException e)
            {
                throw new UnsupportedOperatorException($"{where}: {e.Message}", e);
            }
            foreach (var output in outputs.OfType<Value>())
            {
                // Keep a declared shape where inference could not tell (data-dependent shapes).
                if (output.Shape is null && declared.TryGetValue(output.Name, out var info))
                {
                    output.Shape = ReadType(info, sourceName).Shape;
                }
                scope.Define(output, "value");
            }
            graph.Nodes.Add(node);
        }
        foreach (var output in proto.Output)
        {
            graph.Outputs.Add(scope.Lookup(output.Name)
                ?? throw new GraphException($"{sourceName}: graph output '{output.Name}' is not produced by any node, input or initializer"));
        }
    }

    /// <summary>
    /// Imports a graph attribute as a <see cref="Graph"/> whose inputs are its own (<paramref name="nodeInputs"/>, the
    /// node's declared inputs, is given for a Loop or Scan body and null otherwise) then the outer values it reads
    /// (added to <paramref name="captures"/>).
    /// </summary>
    private static Graph ImportSubgraph(AttributeProto attribute, Scope outer, string nodeName, IReadOnlyList<string>? nodeInputs, List<Value> captures,
        List<Scope> branches, string where)
    {
        var proto = attribute.G ?? throw new GraphException($"{where}: attribute '{attribute.Name}' holds no graph");
        if (nodeInputs is null && proto.Input.Count > 0)
        {
            throw new UnsupportedOperatorException($"{where}: attribute '{attribute.Name}' is a subgraph with inputs; only Loop, Scan and SequenceMap bodies take inputs");
        }
        var graph = new Graph(string.IsNullOrEmpty(proto.Name) ? $"{nodeName}/{attribute.Name}" : proto.Name, outer.Graph.Opset);
        // A Loop or Scan body's own inputs (iteration number, condition, carried and scanned values) come first; the
        // captured outer values follow them. An untyped body input (a Loop's carried value) takes the type of the
        // node input at its position.
        for (var i = 0; i < proto.Input.Count; i++)
        {
            var input = proto.Input[i];
            var (type, shape, kind) = input.Type?.TensorType is { ElemType: not 0 } ? ReadType(input, outer.SourceName)
                : i < nodeInputs!.Count && outer.Lookup(nodeInputs[i]) is { } given ? (given.ElementType, given.Shape, given.Kind)
                : input.Type?.ValueCase is TypeProto.ValueOneofCase.SequenceType or TypeProto.ValueOneofCase.OptionalType ? ReadType(input, outer.SourceName)
                : (DataType.Float32, null, ValueKind.Tensor);
            graph.Inputs.Add(new Value(input.Name, type, shape) { Kind = kind });
        }
        var scope = new Scope(outer, graph, outer.SourceName, captures);
        branches.Add(scope);
        ImportBody(proto, scope, $"{nodeName}/{attribute.Name}/");
        return graph;
    }

    /// <summary>
    /// The values visible by name while importing one graph. A subgraph's scope falls back to its parent's: each
    /// outer value it reads gets a placeholder (a graph input of the subgraph) and joins the node's captures.
    /// </summary>
    private sealed class Scope(Scope? parent, Graph graph, string sourceName, List<Value>? captures = null)
    {
        private readonly Dictionary<string, Value> _values = [];
        private readonly Dictionary<Value, Value> _placeholders = [];

        public Graph Graph { get; } = graph;

        public string SourceName { get; } = sourceName;

        public void Define(Value value, string what)
        {
            if (!_values.TryAdd(value.Name, value))
            {
                throw new GraphException($"{SourceName}: {what} '{value.Name}' is defined twice (ONNX graphs are SSA)");
            }
        }

        public Value? Lookup(string name)
        {
            if (_values.TryGetValue(name, out var value))
            {
                return value;
            }
            if (parent?.Lookup(name) is not { } outer || captures is null)
            {
                return null;
            }
            if (!captures.Contains(outer))
            {
                captures.Add(outer);
            }
            var placeholder = Placeholder(outer);
            _values[name] = placeholder;
            return placeholder;
        }

        /// <summary>The subgraph input standing for <paramref name="outer"/> (created on first use).</summary>
        public Value Placeholder(Value outer)
        {
            if (!_placeholders.TryGetValue(outer, out var placeholder))
            {
                placeholder = new Value(outer.Name, outer.ElementType, outer.Shape) { Kind = outer.Kind };
                _placeholders[outer] = placeholder;
            }
            return placeholder;
        }
    }

    /// <summary>A value's element type, shape and kind: a tensor, a sequence of tensors, or an optional of either.</summary>
    private static (DataType Type, int[]? Shape, ValueKind Kind) ReadType(ValueInfoProto info, string sourceName)
    {
        var (typeProto, kind) = (info.Type, ValueKind.Tensor);
        if (typeProto?.OptionalType is { } optional)
        {
            typeProto = optional.ElemType;
            kind = typeProto?.SequenceType is not null ? ValueKind.OptionalSequence : ValueKind.OptionalTensor;
        }
        if (typeProto?.SequenceType is { } sequence)
        {
            typeProto = sequence.ElemType;
            kind = kind == ValueKind.Tensor ? ValueKind.Sequence : kind;
        }
        var tensorType = typeProto?.TensorType
            ?? throw new UnsupportedOperatorException($"{sourceName}: value '{info.Name}' is not a tensor, a sequence of tensors or an optional of either (maps and nested sequences are not supported)");
        var type = OnnxDataTypes.FromOnnx(tensorType.ElemType)
            ?? throw new UnsupportedOperatorException($"{sourceName}: value '{info.Name}' has unsupported element type {OnnxDataTypes.Name(tensorType.ElemType)}");
        int[]? shape = tensorType.Shape is null ? null
            : [.. tensorType.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? (int)d.DimValue : -1)];
        return (type, shape, kind);
    }

    /// <summary>dim_param names, "?" for unnamed dynamic dimensions, null for static ones; null when all are static.</summary>
    private static string?[]? ReadDimNames(ValueInfoProto info)
    {
        var dims = info.Type?.TensorType?.Shape?.Dim;
        if (dims is null || dims.All(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue))
        {
            return null;
        }
        return [.. dims.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? null
            : d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam && d.DimParam.Length > 0 ? d.DimParam : Value.UnnamedDimension)];
    }

    private static (DataType, ValueKind) ReadTypeAttribute(AttributeProto a, string where)
    {
        var (type, _, kind) = ReadType(new ValueInfoProto { Name = a.Name, Type = a.Tp }, where);
        return (type, kind == ValueKind.Sequence ? ValueKind.Sequence : ValueKind.Tensor);
    }

    private static object ReadAttribute(AttributeProto a, string where) => a.Type switch
    {
        AttributeProto.Types.AttributeType.Float => a.F,
        AttributeProto.Types.AttributeType.Int => a.I,
        AttributeProto.Types.AttributeType.String => a.S.ToStringUtf8(),
        AttributeProto.Types.AttributeType.Tensor => OnnxTensors.ToTensor(a.T, where),
        AttributeProto.Types.AttributeType.Floats => a.Floats.ToArray(),
        AttributeProto.Types.AttributeType.Ints => a.Ints.ToArray(),
        AttributeProto.Types.AttributeType.Strings => a.Strings.Select(s => s.ToStringUtf8()).ToArray(),
        // Optional's 'type': the element type and whether it is a sequence's.
        AttributeProto.Types.AttributeType.TypeProto => ReadTypeAttribute(a, where),
        _ => throw new UnsupportedOperatorException($"{where}: attribute '{a.Name}' of type {a.Type} is not supported"),
    };
}
