import Foundation
import GRDB
import Testing

@testable import BookTime

@Suite struct CSVReaderTests {
    @Test func quotedFieldsCommasQuotesAndNewlines() throws {
        let text = "\u{FEFF}name,description\r\n\"Tom, Dick\",\"He said \"\"hi\"\"\nthen left\"\r\n\nplain,x\n"
        let records = try CSVReader.parse(text)
        #expect(records.map(\.fields) == [["name", "description"], ["Tom, Dick", "He said \"hi\"\nthen left"], ["plain", "x"]])
        #expect(records.map(\.line) == [1, 2, 5])
    }

    @Test func malformedQuotingIsAnError() {
        #expect(throws: CSVReader.ParseError.self) { try CSVReader.parse("a,\"unclosed\n") }
        #expect(throws: CSVReader.ParseError.self) { try CSVReader.parse("a,b\"c\n") }
        #expect(throws: CSVReader.ParseError.self) { try CSVReader.parse("\"a\"b,c\n") }
    }
}

@Suite struct ImportTests {
    static let header = "name,description,tags,image_filename,price\n"

    /// The book's product-sample.csv, with images the test makes.
    static func sample(in directory: TemporaryDirectory) throws -> URL {
        try TestImages.jpeg(width: 800, height: 1200).write(to: URL(fileURLWithPath: directory.file("cathedral-bazaar.jpg")))
        try TestImages.jpeg(width: 600, height: 900).write(to: URL(fileURLWithPath: directory.file("siddhartha.jpg")))
        try TestImages.png(width: 400, height: 400).write(to: URL(fileURLWithPath: directory.file("backgammon.png")))
        let csv = header + """
            The cathedral and the bazaar,A book about open source methodologies,Open source|Programming,cathedral-bazaar.jpg,10.00
            Siddhartha,A novel by Hermann Hesse,Religion|Narrative,siddhartha.jpg,6.00
            Backgammon for dummies,How to start playing Backgammon,Games|Manual,backgammon.png,13.00

            """
        let url = URL(fileURLWithPath: directory.file("product-sample.csv"))
        try csv.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func importDataLikeTheBook() async throws {
        let test = try TestDatabase()
        let csv = try Self.sample(in: test.directory)
        let report = try await ProductImport(db: test.db, imagesDirectory: csv.deletingLastPathComponent()).run(file: csv)
        #expect(report.lines == [
            "Importing products",
            "Products processed=3 (created=3, updated=0, unchanged=0, skipped=0)",
            "Tags processed=6 (created=6)",
            "Images processed=3",
        ])
        let counts = try await test.db.reader.read { db in
            (try Product.fetchCount(db), try ProductTag.fetchCount(db), try ProductImage.fetchCount(db))
        }
        #expect(counts == (3, 6, 3))
        let siddhartha = try #require(try await test.db.catalog.productDetail(slug: "siddhartha"))
        #expect(siddhartha.product.price == 600)
        #expect(siddhartha.tags.map(\.slug) == ["narrative", "religion"])
        #expect(try await test.db.catalog.activeTag(slug: "open-source")?.name == "Open source")
    }

    @Test func reimportUpdatesAndNeverDuplicates() async throws {
        let test = try TestDatabase()
        let csv = try Self.sample(in: test.directory)
        let importer = ProductImport(db: test.db, imagesDirectory: csv.deletingLastPathComponent())
        _ = try await importer.run(file: csv)
        // Change a price and re-import.
        let changed = try String(contentsOf: csv, encoding: .utf8).replacingOccurrences(of: "6.00", with: "7.50")
        try changed.write(to: csv, atomically: true, encoding: .utf8)
        let second = try await importer.run(file: csv)
        #expect(second.created == 0 && second.updated == 1 && second.unchanged == 2 && second.tagsCreated == 0)
        #expect(second.changes == ["line 3: Siddhartha: price 6.00 → 7.50"])
        let counts = try await test.db.reader.read { db in
            (try Product.fetchCount(db), try ProductTag.fetchCount(db), try ProductImage.fetchCount(db), try ImageBlob.fetchCount(db))
        }
        #expect(counts == (3, 6, 3, 6))
        #expect(try await test.db.catalog.productDetail(slug: "siddhartha")?.product.price == 750)
    }

    /// A file that does not mention a field (no author column, an empty cell) leaves it alone.
    @Test func reimportKeepsWhatTheFileDoesNotMention() async throws {
        let test = try TestDatabase()
        try TestImages.jpeg(width: 600, height: 900).write(to: URL(fileURLWithPath: test.directory.file("emma.jpg")))
        let importer = ProductImport(db: test.db, imagesDirectory: URL(fileURLWithPath: test.directory.path))
        let first = try await importer.run(csv: "name,author,description,tags,image_filename,price\nEmma,Jane Austen,A comedy of manners,Novels|Classics,emma.jpg,8.00\n")
        #expect(first.created == 1 && first.imagesProcessed == 1)

        let second = try await importer.run(csv: Self.header + "emma,,,,9.50\n")
        #expect(second.updated == 1)
        #expect(second.changes == ["line 2: Emma: price 8.00 → 9.50"])
        let emma = try #require(try await test.db.catalog.productDetail(slug: "emma"))
        #expect(emma.product.name == "Emma", "matched by name in any case, the name kept as it was")
        #expect(emma.product.author == "Jane Austen")
        #expect(emma.product.description == "A comedy of manners")
        #expect(emma.tags.map(\.name).sorted() == ["Classics", "Novels"])
        #expect(emma.images.count == 1)

        let third = try await importer.run(csv: "name,author,description,tags,image_filename,price\nEmma,J. Austen,A novel,Novels,,9.50\n")
        #expect(third.changes == ["line 2: Emma: author, description, tags"])
        let changed = try #require(try await test.db.catalog.productDetail(slug: "emma"))
        #expect(changed.product.author == "J. Austen")
        #expect(changed.tags.map(\.name) == ["Novels"])
        #expect(changed.images.count == 1)
    }

    /// Rows go in batches: a bad row in the middle is reported alone, slugs and tags made in the
    /// same batch stay unique, and the search index knows every product and tag.
    @Test func batchesKeepEveryRowsOwnOutcome() async throws {
        let test = try TestDatabase()
        var csv = Self.header
        for index in 1...2_500 {
            csv += index == 1_234 ? "Broken,row,Tag,,not a price\n" : "Book \(index),About \(index),Tag \(index)|Shared,,\(index).00\n"
        }
        csv += "Twin!,x,Tag 1,,1.00\nTwin?,x,tag 1,,1.00\n"
        let version = { try await test.db.reader.read { try Int.fetchOne($0, sql: "SELECT version FROM catalogVersion") ?? 0 } }
        let before = try await version()
        let report = try await ProductImport(db: test.db, imagesDirectory: nil, batchSize: 100).run(csv: csv)
        #expect(report.created == 2_501)
        #expect(try await version() == before + 26, "one bump per batch of 100 (2,502 rows), so cached pages are redrawn")
        #expect(report.skipped == 1)
        #expect(report.problems == ["line 1235: skipped: the price \"not a price\" is not an amount like 12.50"])
        #expect(report.tagsCreated == 2_500, "2,499 numbered tags, Shared, and Tag 1 once whatever its case")
        let slugs = try await test.db.reader.read { try String.fetchAll($0, sql: "SELECT slug FROM product WHERE name LIKE 'Twin%' ORDER BY id") }
        #expect(slugs == ["twin", "twin-2"])
        let found = try await test.db.catalog.search("tag 2222", page: 1, pageSize: 10)
        #expect(found.hits.map(\.card.name) == ["Book 2222"])
        #expect(try await test.db.catalog.search("shared", page: 1, pageSize: 1).totalCount == 2_499)
        #expect(try await test.db.integrityProblems().isEmpty)
        // The import wrote the search rows itself; its flag never outlives its batch, so the
        // shop's own writes are indexed by the triggers as before.
        let flags = try await test.db.reader.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM setting WHERE key = ?", arguments: [CatalogSchema.searchIndexedByWriter]) }
        #expect(flags == 0)
        let afterImport = try await version()
        try await test.db.catalog.createProduct(ProductInput(name: "Later book", price: 100, tags: ["Afterwards"]))
        #expect(try await version() > afterImport, "the shop's own writes still move the version")
        #expect(try await test.db.catalog.search("afterwards", page: 1, pageSize: 10).hits.map(\.card.name) == ["Later book"])
    }

    @Test func badRowsAreReportedWithLineNumbersAndSkipped() async throws {
        let test = try TestDatabase()
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: test.directory.file("fake.jpg")))
        let csv = Self.header + """
            Good book,Fine,Fiction,,5.00
            ,No name,Fiction,,5.00
            Bad price,Oops,Fiction,,five pounds
            Missing image,Oops,Fiction,nowhere.jpg,5.00
            \(String(repeating: "L", count: 201)),Too long,Fiction,,5.00
            Fake image,Oops,Fiction,fake.jpg,5.00
            Sneaky,Oops,Fiction,../etc/passwd,5.00
            Short row,Oops
            "Multi-line, quoted","First line
            second line",Fiction,,1.5

            """
        let report = try await ProductImport(db: test.db, imagesDirectory: URL(fileURLWithPath: test.directory.path)).run(csv: csv)
        #expect(report.created == 2)
        #expect(report.skipped == 7)
        #expect(report.problems.count == 7)
        #expect(report.problems[0] == "line 3: skipped: the name is missing")
        #expect(report.problems[1].hasPrefix("line 4: skipped: the price \"five pounds\""))
        #expect(report.problems[2].hasPrefix("line 5: skipped: the image file") && report.problems[2].contains("nowhere.jpg"))
        #expect(report.problems[3].hasPrefix("line 6: skipped: the name has 201 characters"))
        #expect(report.problems[4].hasPrefix("line 7: skipped: the image fake.jpg was refused"))
        #expect(report.problems[5].hasPrefix("line 8: skipped: the image name ../etc/passwd"))
        #expect(report.problems[6].hasPrefix("line 9: skipped: it has 2 fields"))
        #expect(try await test.db.catalog.productDetail(slug: "multi-line-quoted")?.product.price == 150)
        let names = try await test.db.reader.read { db in try String.fetchAll(db, sql: "SELECT name FROM product ORDER BY name") }
        #expect(names == ["Good book", "Multi-line, quoted"])
    }

    @Test(arguments: ["", "title,price\nx,1\n", "name,description,tags,image_filename\nx,y,z,\n"])
    func unusableFilesAreFileErrors(csv: String) async throws {
        let test = try TestDatabase()
        await #expect(throws: ProductImport.FileError.self) {
            try await ProductImport(db: test.db, imagesDirectory: nil).run(csv: csv)
        }
    }

    @Test func priceParsing() {
        #expect(Currency.parseMinorUnits("10.00") == 1000)
        #expect(Currency.parseMinorUnits("6") == 600)
        #expect(Currency.parseMinorUnits("1.5") == 150)
        #expect(Currency.parseMinorUnits("£12.99") == 1299)
        for bad in ["", "abc", "1.234", "-1", "1,000", ".5", "1e3", "١٢"] {
            #expect(Currency.parseMinorUnits(bad) == nil, "\(bad)")
        }
        #expect(Currency.gbp.format(123_456) == "£1,234.56")
        #expect(Currency.gbp.format(5) == "£0.05")
        #expect(Currency.gbp.format(1000) == "£10.00")
        #expect(Currency.gbp.format(1010) == "£10.10")
        #expect(Currency.usd.format(-123_456_789) == "-$1,234,567.89")
    }
}

@Suite(.serialized) struct ImportCommandTests {
    @Test func importsFromTheCommandLine() throws {
        let directory = try TemporaryDirectory()
        let csv = try ImportTests.sample(in: directory)
        let result = try BookTimeBinary.run(["import-products", csv.path, "--images", directory.path, "--db", directory.file("shop.db")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            Importing products
            Products processed=3 (created=3, updated=0, unchanged=0, skipped=0)
            Tags processed=6 (created=6)
            Images processed=3

            """)
    }

    @Test func unreadableOrInvalidFilesExitWith2() throws {
        let directory = try TemporaryDirectory()
        let missing = try BookTimeBinary.run(["import-products", directory.file("nope.csv"), "--db", directory.file("shop.db")])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("Cannot read"))
        try "title,price\nx,1\n".write(toFile: directory.file("bad.csv"), atomically: true, encoding: .utf8)
        let badHeader = try BookTimeBinary.run(["import-products", directory.file("bad.csv"), "--db", directory.file("shop.db")])
        #expect(badHeader.status == 2)
        #expect(badHeader.stderr.contains("missing: name"))
        try Data([0xFF, 0xFE, 0x00, 0x41]).write(to: URL(fileURLWithPath: directory.file("binary.csv")))
        #expect(try BookTimeBinary.run(["import-products", directory.file("binary.csv"), "--db", directory.file("shop.db")]).status == 2)
        let noImages = try BookTimeBinary.run(["import-products", directory.file("bad.csv"), "--images", directory.file("none"), "--db", directory.file("shop.db")])
        #expect(noImages.status == 2)
    }
}
