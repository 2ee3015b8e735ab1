using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Passes;

/// <summary>Options for <see cref="PassPipeline"/>.</summary>
/// <param name="Verify">Run the <see cref="Verifier"/> after every pass (always on in tests; on by default in Debug builds).</param>
/// <param name="Fuse">Record elementwise epilogues (off for backends that want one op per node).</param>
public sealed record PassOptions(bool Verify = PassOptions.VerifyByDefault, bool Fuse = true)
{
    /// <summary>Print the IR after some stages (<c>--dump-after</c>); null for none.</summary>
    public IrDump? Dump { get; init; }

#if DEBUG
    private const bool VerifyByDefault = true;
#else
    private const bool VerifyByDefault = false;
#endif
}

/// <summary>Prints the IR (<see cref="GraphPrinter"/>) after the selected stages of the pipeline.</summary>
/// <param name="After">A pass name (every run of it; case-insensitive), <see cref="Import"/> or <see cref="All"/>.</param>
/// <param name="Output">Receives each printed graph, headed by a "; after STAGE" line.</param>
public sealed record IrDump(string After, TextWriter Output)
{
    /// <summary>Selects every stage.</summary>
    public const string All = "all";

    /// <summary>The graph as imported, before the first pass.</summary>
    public const string Import = "import";

    /// <summary>True when <paramref name="stage"/> is printed.</summary>
    public bool Selects(string stage) => After.Equals(All, StringComparison.OrdinalIgnoreCase) || After.Equals(stage, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The compiler's graph optimisation pipeline, in order.</summary>
public static class PassPipeline
{
    /// <summary>The passes, in the order they run.</summary>
    public static IReadOnlyList<IGraphPass> Passes(PassOptions options)
    {
        List<IGraphPass> passes =
        [
            // Types first: the importer inferred them node by node, but declared shapes may be refined.
            new InferShapes(),
            // Identity/Dropout are no-ops at inference; removing them exposes Conv -> BN and Conv -> Relu pairs.
            new EliminateIdentities(),
            // Operators defined as functions of standard ones (the training optimizers) become those nodes, which fold and fuse like the rest.
            new ExpandOperators(),
            // Before folding, which would dequantize constant weights to float32: QDQ layers become integer operators.
            new FuseQuantizedOperators(),
            // Collapses Shape/Gather/Concat chains and precomputes anything with constant inputs.
            new FoldConstants(),
            // Sequences and optionals whose lengths and positions are now constants become their tensors (a sequence's
            // length may be a Loop's trip count, so before unrolling).
            new ResolveSequences(),
            // Exporters branch on shape checks: now that those folded, an If becomes the branch it takes (or both and a Where).
            new InlineIfBranches(),
            // Loops with a known trip count and Scans become copies of their body; the copies fold like the rest.
            new UnrollLoops(),
            // Again: unrolled loop bodies hold sequence operators whose positions were the iteration number.
            new ResolveSequences(),
            // Einsum left after folding becomes Transpose/Reshape/MatMul/ReduceSum, before fusion sees those nodes.
            new LowerEinsum(),
            // Before fusion: BN must still be a separate node that directly follows its Conv.
            new FoldBatchNormIntoConv(),
            // After folding (epsilon, exponent, scale and bias must be constants), before fusion claims the Div.
            new FuseLayerNormalization(),
            // Likewise the erf GELU, which then fuses into its GEMM's tile as one elementwise epilogue.
            new FuseGelu(),
            // Folding leaves dead shape-chain nodes and unused initializers behind.
            new EliminateDeadNodes(),
        ];
        if (options.Fuse)
        {
            // Last: fusion turns consumers into epilogues, after which no pass looks for them as nodes.
            passes.Add(new FuseElementwise());
        }
        // Final types for the backend.
        passes.Add(new InferShapes());
        return passes;
    }

    /// <summary>What <see cref="IrDump.After"/> may name: <c>import</c>, every pass of the full pipeline, <c>all</c>.</summary>
    public static IReadOnlyList<string> StageNames { get; } =
        [IrDump.Import, .. Passes(new PassOptions(Fuse: true)).Select(Name).Distinct(), IrDump.All];

    /// <summary>Runs every pass on <paramref name="graph"/>, verifying and printing after each when requested.</summary>
    /// <exception cref="GraphException">A pass left the graph invalid (the message names the pass).</exception>
    /// <exception cref="ArgumentException"><see cref="PassOptions.Dump"/> names no stage.</exception>
    public static void Run(Graph graph, PassOptions? options = null)
    {
        options ??= new PassOptions();
        Run(graph, Passes(options), options);
    }

    /// <summary>Runs <paramref name="passes"/> with the verification and printing of <paramref name="options"/>.</summary>
    internal static void Run(Graph graph, IReadOnlyList<IGraphPass> passes, PassOptions options)
    {
        if (options.Dump is { } dump && !StageNames.Contains(dump.After, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"no pass is named '{dump.After}' (one of: {string.Join(", ", StageNames)})", nameof(options));
        }
        AfterStage(graph, IrDump.Import, options);
        for (var i = 0; i < passes.Count; i++)
        {
            passes[i].Run(graph);
            AfterStage(graph, Name(passes[i]), options, $" (pass {i + 1} of {passes.Count})");
        }
    }

    private static void AfterStage(Graph graph, string stage, PassOptions options, string position = "")
    {
        if (options.Verify)
        {
            Verifier.Verify(graph, stage);
        }
        if (options.Dump is { } dump && dump.Selects(stage))
        {
            dump.Output.Write($"; after {stage}{position}\n{GraphPrinter.Print(graph)}\n");
        }
    }

    private static string Name(IGraphPass pass) => pass.GetType().Name;
}
