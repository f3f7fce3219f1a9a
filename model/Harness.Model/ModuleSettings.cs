// The checker's hot path takes stack buffers of I/O steps on every transition; none is read before it is written.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
