namespace Harness.Model;
