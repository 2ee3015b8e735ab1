using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>DepthToSpace/SpaceToDepth against the spec's reshape-transpose-reshape worked by hand.</summary>
public sealed class BlockRearrangementOperatorTests
{
    [Fact]
    public void Evaluate_DepthToSpaceDcr_InterleavesChannelsIntoTiles()
    {
        // DCR, blocksize 2, one pixel of 4 channels: channel k = (row, col) = (k / 2, k % 2) of the 2x2 tile.
        var y = Evaluate1("DepthToSpace", [F([1, 4, 1, 1], 1, 2, 3, 4)], Attributes(("blocksize", 2L)));

        AssertFloats([1, 1, 2, 2], y, 1, 2, 3, 4);
    }

    [Fact]
    public void Evaluate_DepthToSpaceDcrVersusCrd_OrderTheDepthDifferently()
    {
        // 8 channels, blocksize 2 -> 2 output channels. DCR: channel = (row * 2 + col) * 2 + depth;
        // CRD: channel = depth * 4 + row * 2 + col.
        var x = F([1, 8, 1, 1], 0, 1, 2, 3, 4, 5, 6, 7);

        var dcr = Evaluate1("DepthToSpace", [x], Attributes(("blocksize", 2L)));
        var crd = Evaluate1("DepthToSpace", [x], Attributes(("blocksize", 2L), ("mode", "CRD")));

        AssertFloats([1, 2, 2, 2], dcr, 0, 2, 4, 6, 1, 3, 5, 7);
        AssertFloats([1, 2, 2, 2], crd, 0, 1, 2, 3, 4, 5, 6, 7);
    }

    [Fact]
    public void Evaluate_SpaceToDepth_MovesEachTilePositionToAChannel()
    {
        // 1 channel 2x4, blocksize 2: output channel (row * 2 + col) holds that position of each 2x2 tile.
        var y = Evaluate1("SpaceToDepth", [F([1, 1, 2, 4], 1, 2, 3, 4, 5, 6, 7, 8)], Attributes(("blocksize", 2L)));

        AssertFloats([1, 4, 1, 2], y, 1, 3, 2, 4, 5, 7, 6, 8);
    }
}
