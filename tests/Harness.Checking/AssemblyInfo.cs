namespace Harness.Checking;
