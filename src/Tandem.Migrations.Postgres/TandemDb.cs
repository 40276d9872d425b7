namespace Tandem.Data; internal sealed class TandemDb {}
