/// One piece of a message's content.
public enum ContentPart: Sendable, Hashable, Codable {
    case text(String)
    case image(ImageSource)
}

/// Where an image comes from.
public enum ImageSource: Sendable, Hashable, Codable {
    /// An `https:` or `data:` URL the provider fetches or decodes itself.
    case url(String)
    /// Base64-encoded bytes with their media type, e.g. `"image/png"`.
    case base64(data: String, mediaType: String)
}
