// Kept for the other TestKit folders (Real/, Kubernetes/) that compile against these; the emulator files
// declare their own usings.
global using System.Net;
global using System.Text.Json;
global using System.Text.Json.Nodes;
global using Microsoft.AspNetCore.Builder;
global using Microsoft.AspNetCore.Http;
global using Microsoft.AspNetCore.Routing;
