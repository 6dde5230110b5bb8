import LLM
import MCP

/// Turns an MCP tool result into the text a model reads.
enum MCPToolContent {
    /// Text parts as they are, other parts as a short bracketed note (a model cannot read raw bytes),
    /// one part per line. With no content at all, the structured content as JSON.
    static func text(of content: [MCP.Tool.Content], structured: Value? = nil) -> String {
        if content.isEmpty, let structured { return MCPValueConversion.jsonValue(structured).jsonString }
        return content.map(describe).joined(separator: "\n")
    }

    private static func describe(_ item: MCP.Tool.Content) -> String {
        switch item {
        case .text(let text, _, _):
            return text
        case .image(_, let mimeType, _, _):
            return "[image: \(mimeType)]"
        case .audio(_, let mimeType, _, _):
            return "[audio: \(mimeType)]"
        case .resource(let resource, _, _):
            return resource.text ?? "[resource: \(resource.uri)]"
        case .resourceLink(let uri, let name, _, _, _, _):
            return "[resource link: \(name) \(uri)]"
        }
    }

    /// An MCP tool as the model sees it.
    static func definition(of tool: MCP.Tool, name: String) -> LLM.Tool {
        LLM.Tool(name: name, description: tool.description ?? tool.title ?? "", parameters: JSONSchema(MCPValueConversion.jsonValue(tool.inputSchema)))
    }
}
