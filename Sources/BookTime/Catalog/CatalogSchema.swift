import GRDB

/// The catalogue's tables (migration `0004_catalog`): products, tags, their link, images, the
/// content-addressed image store and the FTS5 search index kept in sync by triggers.
///
/// Written once for that migration; later changes are new migration steps.
enum CatalogSchema {
    static func create(_ db: Database) throws {
        try db.create(table: "productTag") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("name", .text).notNull().check { length($0) <= 40 }
            t.column("slug", .text).notNull().unique()
            t.column("description", .text).notNull().defaults(to: "")
            t.column("active", .boolean).notNull().defaults(to: true)
        }

        try db.create(table: "product") { t in
            t.autoIncrementedPrimaryKey("id")
            // NOCASE so that listing by name walks the index below.
            t.column("name", .text).notNull().collate(.nocase).check { length($0) <= 200 && length($0) > 0 }
            t.column("slug", .text).notNull().unique()
            // Not in the book's model: shown on the generated cover and searchable.
            t.column("author", .text).notNull().defaults(to: "")
            t.column("description", .text).notNull().defaults(to: "")
            // Integer minor units (pence).
            t.column("price", .integer).notNull().check { $0 >= 0 }
            t.column("active", .boolean).notNull().defaults(to: true)
            t.column("inStock", .boolean).notNull().defaults(to: true)
            t.column("dateUpdated", .datetime).notNull()
        }
        // Listing pages: active products by name.
        try db.create(index: "product_on_active_name", on: "product", columns: ["active", "name"])

        try db.create(table: "productTagLink") { t in
            t.belongsTo("product", onDelete: .cascade).notNull()
            t.belongsTo("productTag", onDelete: .cascade).notNull()
            t.primaryKey(["productId", "productTagId"])
        }
        try db.create(index: "productTagLink_by_tag_covering", on: "productTagLink", columns: ["productTagId", "productId"])

        // Image bytes by SHA-256, shared by originals and thumbnails: a URL never changes meaning.
        try db.create(table: "imageBlob") { t in
            t.primaryKey("hash", .text)
            t.column("contentType", .text).notNull()
            t.column("width", .integer).notNull()
            t.column("height", .integer).notNull()
            t.column("size", .integer).notNull()
            t.column("data", .blob).notNull()
        }

        try db.create(table: "productImage") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("product", onDelete: .cascade).notNull()
            t.column("imageHash", .text).notNull().references("imageBlob")
            t.column("thumbnailHash", .text).notNull().references("imageBlob")
            t.column("position", .integer).notNull().defaults(to: 0)
            t.column("createdAt", .datetime).notNull()
            t.uniqueKey(["productId", "imageHash"])
        }
        try db.create(index: "productImage_on_productId_position", on: "productImage", columns: ["productId", "position"])

        // Full-text search over name, description and tag names; rowid = product id.
        try db.execute(
            sql: """
                CREATE VIRTUAL TABLE productSearch USING fts5(
                    name, author, description, tags, tokenize = 'porter unicode61 remove_diacritics 2'
                );

                CREATE TRIGGER product_search_insert AFTER INSERT ON product BEGIN
                    INSERT INTO productSearch (rowid, name, author, description, tags) VALUES (new.id, new.name, new.author, new.description, '');
                END;
                CREATE TRIGGER product_search_update AFTER UPDATE OF name, author, description ON product BEGIN
                    UPDATE productSearch SET name = new.name, author = new.author, description = new.description WHERE rowid = new.id;
                END;
                CREATE TRIGGER product_search_delete AFTER DELETE ON product BEGIN
                    DELETE FROM productSearch WHERE rowid = old.id;
                END;

                CREATE TRIGGER product_search_tag_link AFTER INSERT ON productTagLink BEGIN
                    UPDATE productSearch SET tags = (
                        SELECT coalesce(group_concat(t.name, ' '), '') FROM productTagLink l
                        JOIN productTag t ON t.id = l.productTagId WHERE l.productId = new.productId
                    ) WHERE rowid = new.productId;
                END;
                CREATE TRIGGER product_search_tag_unlink AFTER DELETE ON productTagLink BEGIN
                    UPDATE productSearch SET tags = (
                        SELECT coalesce(group_concat(t.name, ' '), '') FROM productTagLink l
                        JOIN productTag t ON t.id = l.productTagId WHERE l.productId = old.productId
                    ) WHERE rowid = old.productId;
                END;
                CREATE TRIGGER product_search_tag_rename AFTER UPDATE OF name ON productTag BEGIN
                    UPDATE productSearch SET tags = (
                        SELECT coalesce(group_concat(t.name, ' '), '') FROM productTagLink l
                        JOIN productTag t ON t.id = l.productTagId WHERE l.productId = productSearch.rowid
                    ) WHERE rowid IN (SELECT productId FROM productTagLink WHERE productTagId = new.id);
                END;
                """
        )
    }

    /// Migration `0005_catalog_version`: a counter every catalogue write bumps (by trigger, so
    /// writes from any process count), which keys the rendered-page cache.
    static func createVersionCounter(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE catalogVersion (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)")
        try db.execute(sql: "INSERT INTO catalogVersion (id, version) VALUES (1, 1)")
        for table in ["product", "productTag", "productTagLink", "productImage"] {
            for event in ["INSERT", "UPDATE", "DELETE"] {
                try db.execute(
                    sql: """
                        CREATE TRIGGER \(table)_\(event.lowercased())_bumps_catalog_version AFTER \(event) ON \(table) BEGIN
                            UPDATE catalogVersion SET version = version + 1 WHERE id = 1;
                        END
                        """
                )
            }
        }
    }

    /// Migration `0010_product_stock`: an optional stock count (null = not tracked). Orders change
    /// it constantly, so the catalogue version now moves on a product update only when something a
    /// page shows changes, including the product becoming available or sold out.
    static func addStockCount(_ db: Database) throws {
        try db.alter(table: "product") { t in
            t.add(column: "stockCount", .integer).check { $0 >= 0 }
        }
        try db.execute(sql: "DROP TRIGGER product_update_bumps_catalog_version")
        let shownColumns = ["id", "name", "slug", "author", "description", "price", "active", "inStock", "dateUpdated"]
        let changed = shownColumns.map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")
        try db.execute(
            sql: """
                CREATE TRIGGER product_update_bumps_catalog_version AFTER UPDATE ON product
                WHEN \(changed) OR (OLD.stockCount IS NULL OR OLD.stockCount > 0) IS NOT (NEW.stockCount IS NULL OR NEW.stockCount > 0)
                BEGIN
                    UPDATE catalogVersion SET version = version + 1 WHERE id = 1;
                END
                """
        )
    }

    /// Migration `0016_name_indexes`: products and tags are found by name (the import, the admin)
    /// through an index instead of a scan; `product.name` is NOCASE already, tags are matched so.
    static func indexNames(_ db: Database) throws {
        try db.create(index: "product_on_name", on: "product", columns: ["name"])
        try db.execute(sql: "CREATE INDEX productTag_on_name_nocase ON productTag (name COLLATE NOCASE)")
    }

    /// The `setting` key a bulk writer (the import) sets inside its own transaction, and removes
    /// before committing, to write search rows and bump the catalogue version itself (0017, 0018):
    /// other connections never see it.
    static let searchIndexedByWriter = "search_index_by_writer"

    /// Migration `0017_bulk_search_index`: without it a new product and each of its tag links
    /// would rewrite the product's search row once each (an insert, then an FTS update per tag).
    /// While the flag is set, those two triggers stand aside and the writer inserts the finished
    /// row once.
    static func letBulkWritersIndexSearch(_ db: Database) throws {
        let unlessBulk = "WHEN NOT EXISTS (SELECT 1 FROM setting WHERE key = '\(searchIndexedByWriter)')"
        try db.execute(
            sql: """
                DROP TRIGGER product_search_insert;
                CREATE TRIGGER product_search_insert AFTER INSERT ON product \(unlessBulk) BEGIN
                    INSERT INTO productSearch (rowid, name, author, description, tags) VALUES (new.id, new.name, new.author, new.description, '');
                END;
                DROP TRIGGER product_search_tag_link;
                CREATE TRIGGER product_search_tag_link AFTER INSERT ON productTagLink \(unlessBulk) BEGIN
                    UPDATE productSearch SET tags = (
                        SELECT coalesce(group_concat(t.name, ' '), '') FROM productTagLink l
                        JOIN productTag t ON t.id = l.productTagId WHERE l.productId = new.productId
                    ) WHERE rowid = new.productId;
                END;
                """
        )
    }

    /// Migration `0018_bulk_catalog_version`: every inserted product, tag, link and image bumped
    /// the catalogue version on its own (four bumps per imported row). While a bulk writer's flag
    /// is set, the insert triggers stand aside and the writer bumps it once per batch.
    static func letBulkWritersBumpVersionOnce(_ db: Database) throws {
        for table in ["product", "productTag", "productTagLink", "productImage"] {
            try db.execute(
                sql: """
                    DROP TRIGGER \(table)_insert_bumps_catalog_version;
                    CREATE TRIGGER \(table)_insert_bumps_catalog_version AFTER INSERT ON \(table)
                    WHEN NOT EXISTS (SELECT 1 FROM setting WHERE key = '\(searchIndexedByWriter)')
                    BEGIN
                        UPDATE catalogVersion SET version = version + 1 WHERE id = 1;
                    END
                    """
            )
        }
    }

    /// Migration `0022_search_vocabulary`: the search index's terms, with how many books hold
    /// each, as a table (SQLite's `fts5vocab`; nothing is stored): "Did you mean …" reads it.
    static func createSearchVocabulary(_ db: Database) throws {
        try db.execute(sql: "CREATE VIRTUAL TABLE productSearchVocabulary USING fts5vocab(productSearch, 'row')")
    }

    /// Migration `0023_book_details`: optional ISBN, format and page count.
    static func addBookDetails(_ db: Database) throws {
        try db.alter(table: "product") { table in
            table.add(column: "isbn", .text).notNull().defaults(to: "")
            table.add(column: "format", .text).notNull().defaults(to: "")
            table.add(column: "pageCount", .integer)
        }
    }
}
