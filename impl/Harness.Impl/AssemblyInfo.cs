namespace Harness.Impl;
