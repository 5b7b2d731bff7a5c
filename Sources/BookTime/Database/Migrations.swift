import GRDB

/// The shop's schema, as one ordered, append-only list of named steps.
///
/// Never edit a step that has shipped: add a new one. GRDB runs them in registration order and
/// records each identifier in `grdb_migrations`.
enum Migrations {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("0001_settings") { db in
            // Key/value settings of this installation (the signing secret, the owner's choices).
            try db.create(table: "setting") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
        }

        migrator.registerMigration("0002_persist") { db in
            // Hummingbird's PersistDriver store: sessions and other expiring values.
            try db.create(table: "persist") { t in
                t.primaryKey("key", .text)
                t.column("value", .blob).notNull()
                t.column("expiresAt", .datetime)
            }
            try db.create(index: "persist_on_expiresAt", on: "persist", columns: ["expiresAt"])
        }

        migrator.registerMigration("0003_email_outbox") { db in
            // Every email the shop sends is written here first, then delivered by MailSender.
            try db.create(table: "emailOutbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("toAddress", .text).notNull()
                t.column("fromAddress", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("body", .text).notNull()
                t.column("status", .text).notNull().defaults(to: "pending")
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("nextAttemptAt", .datetime).notNull()
                t.column("lastError", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("sentAt", .datetime)
            }
            try db.create(index: "emailOutbox_on_status_nextAttemptAt", on: "emailOutbox", columns: ["status", "nextAttemptAt"])
        }

        migrator.registerMigration("0004_catalog") { db in
            try CatalogSchema.create(db)
        }

        migrator.registerMigration("0005_catalog_version") { db in
            try CatalogSchema.createVersionCounter(db)
        }

        migrator.registerMigration("0006_users") { db in
            try AccountsSchema.create(db)
        }

        migrator.registerMigration("0007_password_reset") { db in
            try AccountsSchema.createPasswordResets(db)
        }

        migrator.registerMigration("0008_addresses") { db in
            try AccountsSchema.createAddresses(db)
        }

        migrator.registerMigration("0009_baskets") { db in
            try BasketSchema.create(db)
        }

        migrator.registerMigration("0010_product_stock") { db in
            try CatalogSchema.addStockCount(db)
        }

        migrator.registerMigration("0011_orders") { db in
            try OrderSchema.create(db)
        }

        migrator.registerMigration("0012_admin_log") { db in
            try AdminLog.createTable(db)
        }

        migrator.registerMigration("0013_open_basket_index") { db in
            try BasketSchema.indexOpenBaskets(db)
        }

        migrator.registerMigration("0014_email_reply_to_and_html") { db in
            // Contact messages are answered to the customer; order emails carry an HTML part.
            try db.alter(table: "emailOutbox") { t in
                t.add(column: "replyTo", .text)
                t.add(column: "htmlBody", .text)
            }
        }

        migrator.registerMigration("0015_order_line_quantity") { db in
            try OrderSchema.addLineQuantity(db)
        }

        migrator.registerMigration("0016_name_indexes") { db in
            try CatalogSchema.indexNames(db)
        }

        migrator.registerMigration("0017_bulk_search_index") { db in
            try CatalogSchema.letBulkWritersIndexSearch(db)
        }

        migrator.registerMigration("0018_bulk_catalog_version") { db in
            try CatalogSchema.letBulkWritersBumpVersionOnce(db)
        }

        migrator.registerMigration("0019_api_tokens") { db in
            try AccountsSchema.createAPITokens(db)
        }

        migrator.registerMigration("0020_jwt_refresh_tokens") { db in
            try AccountsSchema.createRefreshTokens(db)
        }

        migrator.registerMigration("0021_chat") { db in
            try ChatSchema.create(db)
        }

        migrator.registerMigration("0022_search_vocabulary") { db in
            try CatalogSchema.createSearchVocabulary(db)
        }

        migrator.registerMigration("0023_book_details") { db in
            try CatalogSchema.addBookDetails(db)
        }

        migrator.registerMigration("0024_order_delivery_charge") { db in
            try OrderSchema.addDeliveryCharge(db)
        }

        return migrator
    }()

    /// Migrations recorded in the file that this binary does not know: the file is newer than us.
    static func unknownMigrations(_ db: Database) throws -> [String] {
        guard try db.tableExists("grdb_migrations") else { return [] }
        let known = Set(migrator.migrations)
        return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations").filter { !known.contains($0) }
    }
}
