import Testing

@testable import LLMGateway

/// How a presented key is read and hashed: what the store is asked for.
@Suite struct GatewayKeySecretTests {
    @Test func aKeyIsHashedAsSHA256InLowercaseHex() {
        // FIPS 180-2's example, and a key with a character outside ASCII (hashed as its UTF-8 bytes).
        #expect(GatewayKeySecret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(GatewayKeySecret.hash("é") == "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c")
        let key = GatewayKeySecret.generate()
        #expect(GatewayKeySecret.hash(key).count == 64)
        #expect(GatewayKeySecret.hash(key) != GatewayKeySecret.hash(key + "x"))
    }

    @Test func aBearerTokenIsReadInAnyCaseWithoutTheBlanksAroundIt() {
        #expect(GatewayAccess.bearerToken("Bearer llmgw-abc") == "llmgw-abc")
        #expect(GatewayAccess.bearerToken("bEaReR \t llmgw-abc \t") == "llmgw-abc")
        #expect(GatewayAccess.bearerToken("BEARER llmgw-é") == "llmgw-é")
        #expect(GatewayAccess.bearerToken("Bearer ") == "")
        // Another scheme, or none, is not a bearer token.
        for value in ["Basic dXNlcjpwYXNz", "Bearer", "Bearerllmgw-abc", "Bearer\tllmgw-abc", "", "llmgw-abc"] {
            #expect(GatewayAccess.bearerToken(value) == nil, "\(value)")
        }
    }
}
