using WasmNN.CodeGen;
using WasmNN.Compiler.Abi;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Lowering.Memory;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Writing;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering;

/// <summary>Sizes of an assembled module.</summary>
/// <param name="Kernels">Kernel functions (one per node after fusion).</param>
/// <param name="FusedGroups">Kernels that carry a fused elementwise epilogue.</param>
/// <param name="ParameterBytes">Bytes of weights in data segments.</param>
/// <param name="CodeBytes">Bytes of function bodies.</param>
/// <param name="PeakActivationBytes">Planned activation area (inputs, outputs, intermediates) plus scratch.</param>
/// <param name="UnsharedActivationBytes">What the activations would take with one buffer each.</param>
/// <param name="MemoryPages">Linear memory size in 64 KiB pages.</param>
internal sealed record AssemblyStatistics(int Kernels, int FusedGroups, long ParameterBytes, long CodeBytes, long PeakActivationBytes,
    long UnsharedActivationBytes, uint MemoryPages);

/// <summary>
/// Turns an optimised graph into one module (docs/ABI.md): plans memory, emits one kernel function per node, the
/// <c>wasmnn_run</c> driver calling them in order, the buffer-pointer exports, the weights as data segments and
/// the <c>wasmnn.meta</c> section; with WASI, also the <c>_start</c> command.
/// </summary>
internal static class ModuleAssembler
{
    public static (AssembledModule Module, ModelMetadata Metadata, AssemblyStatistics Statistics) Assemble(Graph graph, LoweringOptions options, bool wasi, string modelName)
    {
        foreach (var value in graph.Inputs.Concat(graph.Outputs))
        {
            if (!Shapes.IsStatic(value.Shape))
            {
                var producer = value.Producer is { } node ? $" of node '{node.Name}' ({node.OpType})" : "";
                throw new UnsupportedOperatorException($"{(graph.Inputs.Contains(value) ? "input" : "output")} '{value.Name}'{producer} has no static shape ({Shapes.Format(value.Shape)}); the compiler needs static shapes");
            }
        }
        var kernels = graph.Nodes.ToDictionary(n => n, KernelRegistry.Resolve);
        PlanStringBytes.Run(graph, options.StringInputBytes);
        var plan = PlanMemory.Run(graph, new MemoryPlanOptions(
            n => kernels[n].ViewSource(n),
            n => kernels[n].InPlaceInputs(n),
            n => kernels[n].ScratchBytes(n, options)));
        var builder = new ModuleBuilder();
        var metadata = new ModelMetadata(1, modelName, ModelAbi.CompilerVersion,
            [.. graph.Inputs.Select(Describe)], [.. graph.Outputs.Select(Describe)],
            [.. graph.Nodes.SelectMany(n => n.Epilogue.Select(s => s.Operator.OpType).Prepend(n.OpType)).Distinct().Order(StringComparer.Ordinal)]);
        var wasiImports = wasi ? WasiCommand.ImportFunctions(builder) : null;
        var context = new LoweringContext(graph, plan, options, builder);
        var steps = new List<ProgramStep>();
        foreach (var node in graph.Nodes)
        {
            var parallel = options.Threaded && kernels[node] is IParallelKernel p && p.ParallelWork(node, options) is var work && work > 0 && work >= options.ParallelThreshold;
            var w = new FunctionBuilder(parameterCount: parallel ? 2 : 0);
            context.CurrentNode = node.Name;
            try
            {
                if (parallel)
                {
                    ((IParallelKernel)kernels[node]).EmitParallel(node, context, w, WorkerShare.Parameters);
                }
                else
                {
                    kernels[node].Emit(node, context, w);
                }
            }
            catch (OperatorException e)
            {
                throw new GraphException($"node '{node.Name}' ({node.OpType}): lowering failed: {e.Message}", e);
            }
            w.Finish();
            var type = parallel ? new FuncType([ValueType.I32, ValueType.I32], []) : FuncType.Empty;
            steps.Add(new ProgramStep(builder.AddFunction(type, [.. w.Locals], w.Code, node.Name), parallel, node.Name));
        }
        var inputAddresses = plan.InputOffsets.Select(o => checked((int)(LoweringContext.ActivationBase + o))).ToArray();
        var outputAddresses = plan.OutputOffsets.Select(o => checked((int)(LoweringContext.ActivationBase + o))).ToArray();

        // wasmnn_run: constant outputs first, then every kernel in order (in the threads build: worker 0 of 1).
        void CopyConstantOutputs(FunctionBuilder w)
        {
            for (var i = 0; i < graph.Outputs.Count; i++)
            {
                if (graph.Outputs[i].IsConstant)
                {
                    var source = context.Address(graph.Outputs[i]);
                    var destination = outputAddresses[i];
                    w.Copy(() => w.I32(destination), () => w.I32(source), checked((int)PlanMemory.ByteSize(graph.Outputs[i])));
                }
            }
        }
        // Builds that cannot carry an output of run-time length say so in one line naming the output.
        void RejectRuntimeLengthOutputs(string build, string why)
        {
            if (graph.Outputs.FirstOrDefault(o => o.RuntimeDims is not null) is { } sized)
            {
                throw new UnsupportedOperatorException($"output '{sized.Name}' has a run-time length ({sized.RuntimeDims!.OfType<RuntimeLength>().First()}); " +
                    $"the {build} build {why}: use the default build");
            }
        }
        var run = new FunctionBuilder();
        var weightsReady = options.WeightsFile is null ? (uint?)null : ExternalWeights.AddReadyGlobal(builder);
        if (weightsReady is { } ready)
        {
            ExternalWeights.EmitRunGuard(run, ready);
        }
        PhaseProfileInfo? profile = null;
        if (options.Threaded)
        {
            // Workers run the program through wasmnn_run_worker, not wasmnn_run, so no one would report the lengths.
            RejectRuntimeLengthOutputs("--threads", "does not report run-time lengths yet");
            var runWorker = ThreadedProgram.EmitRunWorker(context, steps, CopyConstantOutputs);
            profile = context.Profile?.Place(context);
            run.I32(0).I32(1).Code.Emit(Opcode.Call, runWorker);
        }
        else
        {
            CopyConstantOutputs(run);
            foreach (var step in steps)
            {
                run.Code.Emit(Opcode.Call, step.Function);
            }
        }
        var dimsRecords = OutputDims.PlaceRecords(context, graph.Outputs);
        if (!options.Threaded)
        {
            OutputDims.EmitReports(run, context, graph.Outputs, dimsRecords, outputAddresses);
            run.I32(0);
        }
        run.Finish();
        var runType = new FuncType([], [ValueType.I32]);
        var runIndex = builder.AddFunction(runType, [.. run.Locals], run.Code, ModelAbi.Run);
        var pointerType = new FuncType([ValueType.I32], [ValueType.I32]);
        var inputPointer = builder.AddFunction(pointerType, [], PointerTable(inputAddresses).Code, ModelAbi.InputPointer);
        var outputPointer = builder.AddFunction(pointerType, [], PointerTable(outputAddresses).Code, ModelAbi.OutputPointer);
        var outputDims = builder.AddFunction(pointerType, [], PointerTable(dimsRecords).Code, ModelAbi.OutputDims);
        builder.Export(ModelAbi.Run, ExternalKind.Function, runIndex);
        builder.Export(ModelAbi.InputPointer, ExternalKind.Function, inputPointer);
        builder.Export(ModelAbi.OutputPointer, ExternalKind.Function, outputPointer);
        builder.Export(ModelAbi.OutputDims, ExternalKind.Function, outputDims);

        // Every weight is placed by now (kernels, constant outputs); the WASI command adds only strings and work areas.
        ExternalWeights? external = null;
        if (weightsReady is { } readyGlobal)
        {
            external = ExternalWeights.Plan(builder, context, readyGlobal);
            external.EmitCheck(builder);
            metadata = metadata with { Weights = new WeightsInfo(options.WeightsFile!, external.Address, external.Bytes, 0u.ToString("x8")) };
        }
        if (wasiImports is not null)
        {
            RejectRuntimeLengthOutputs("--wasi", "writes .npy headers fixed at compile time");
            if (graph.Inputs.Concat(graph.Outputs).FirstOrDefault(v => v.ElementType.IsString()) is { } text)
            {
                throw new UnsupportedOperatorException($"{(graph.Inputs.Contains(text) ? "input" : "output")} '{text.Name}' is a string tensor; the --wasi build reads and writes only numeric .npy files: use the default build");
            }
            WasiCommand.Emit(builder, context, wasiImports, metadata, inputAddresses, outputAddresses, runIndex, external);
        }

        var end = (long)context.WeightsEnd;
        IReadOnlyList<StreamedDataSegment> streamed = [];
        var pages = (uint)Math.Max(1, (end + MemoryType.PageSize - 1) / MemoryType.PageSize);
        if (options.Threaded)
        {
            // Workers' instances share one memory: it is imported, and the weights are copied in once (not by every
            // instantiation) by the start function.
            builder.ImportMemory(ModelAbi.MemoryImportModule, ModelAbi.Memory, pages, pages, shared: true);
            ThreadedProgram.EmitInitialisation(builder, context.Weights);
            metadata = metadata with { Threads = new ThreadsInfo(options.MaxWorkers, pages) { Profile = profile } };
        }
        else
        {
            builder.AddMemory(pages, pages);
            // With external weights the module keeps only what is not a weight (tables, strings).
            streamed = [.. context.Weights.Where(s => external is null || !s.IsParameter).Select(s => new StreamedDataSegment((uint)s.Address, s.Length, s.Write))];
        }
        builder.Export(ModelAbi.Memory, ExternalKind.Memory, 0);
        builder.AddCustomSection(ModelAbi.MetadataSection, metadata.ToUtf8());
        var codeBytes = builder.Module.Codes.Sum(c => (long)c.Code.Length);
        var statistics = new AssemblyStatistics(graph.Nodes.Count, graph.Nodes.Count(n => n.Epilogue.Count > 0), context.ParameterBytes, codeBytes,
            plan.TotalBytes, plan.UnsharedBytes + plan.ScratchBytes, pages);
        return (new AssembledModule(builder.Module, streamed, metadata, external), metadata, statistics);
    }

    private static TensorInfo Describe(Value value) => new(value.Name, TensorInfo.DTypeName(value.ElementType), value.Shape!, value.DimNames,
        value.RuntimeDims is { } dims ? [.. Enumerable.Range(0, dims.Length).Where(d => dims[d] is not null)] : null,
        value.ElementType.IsString() ? value.StringBytes : null);

    /// <summary><c>(i32 index) -> i32</c>: the address for an index in range, else -1.</summary>
    private static FunctionBuilder PointerTable(int[] addresses)
    {
        var w = new FunctionBuilder(parameterCount: 1);
        for (var i = 0; i < addresses.Length; i++)
        {
            w.Get(0).I32(i).Op(Opcode.I32Eq).Code.If(BlockType.Empty);
            w.I32(addresses[i]).Op(Opcode.Return);
            w.Code.End();
        }
        w.I32(-1);
        w.Finish();
        return w;
    }
}
