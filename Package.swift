// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "booktime",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "booktime", targets: ["BookTimeCLI"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // Already in the graph through hummingbird-auth; declared for HMAC and SHA-256.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        // Hummingbird's own foundations, declared for the SMTP client and the service group.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // Already in the graph through Hummingbird; declared for the request parts its HTTP/1
        // channel hands to additional channel handlers (the slow-client timeouts).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // The JSON API's types and routing come from Resources/api/openapi.yaml through apple's
        // generator (run by scripts/generate-api.sh); these are what the generated code runs on.
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        // The order tracker asks a carrier's HTTP service (already in the graph for the tests).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // JWT access and refresh tokens (design.md's stack: no hand-written signature code).
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        // The customer-service chat (design.md's stack).
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        // /metrics in Prometheus text (design.md's stack: swift-metrics + swift-prometheus).
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // gzip responses (design.md's stack); zlib, which it links, is static in the release build.
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
    ],
    targets: [
        /// Templates, static files and data, compiled into the binary. The folder stays at the top level.
        .target(
            name: "BookTimeResources",
            path: "Resources",
            exclude: [],
            resources: [.embedInCode("templates"), .embedInCode("static"), .embedInCode("data"), .embedInCode("api")]
        ),
        /// The system libjpeg-turbo and libpng (libjpeg-dev, libpng-dev on a fresh machine).
        .systemLibrary(name: "CLibImage", path: "Sources/CLibImage", providers: [.apt(["libjpeg-dev", "libpng-dev"])]),
        /// Error-safe C wrappers over them (libjpeg reports errors by longjmp, which Swift cannot catch).
        .target(
            name: "ImageCodecC", dependencies: ["CLibImage"], path: "Sources/ImageCodecC",
            linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png")]
        ),
        .target(
            name: "BookTime",
            dependencies: [
                "BookTimeResources",
                "ImageCodecC",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ]
        ),
        .executableTarget(
            name: "BookTimeCLI",
            dependencies: [
                "BookTime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "BookTimeTests",
            dependencies: [
                "BookTime",
                "BookTimeResources",
                "ImageCodecC",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ]
)
