import Foundation
import GRDB

/// The book's `ProductAdmin`, `DispatchersProductAdmin`, `ProductTagAdmin` and `ProductImageAdmin`.
enum CatalogAdmin {
    static func product(for site: AdminSite.Kind) -> AdminModel {
        var model = AdminModel(
            name: "product", label: "Product", plural: "Products", table: "product", titleSQL: "t.name",
            columns: [
                AdminColumn(
                    name: "picture", label: "Picture",
                    sql: "(SELECT i.thumbnailHash FROM productImage i WHERE i.productId = t.id ORDER BY i.position, i.id LIMIT 1)", format: .thumbnail
                ),
                AdminColumn(name: "name", label: "Name", sql: "t.name"),
                AdminColumn(name: "author", label: "Author", sql: "t.author"),
                AdminColumn(name: "price", label: "Price", sql: "t.price", format: .money),
                AdminColumn(name: "stock_count", label: "Copies", sql: "t.stockCount"),
                AdminColumn(name: "in_stock", label: "In stock", sql: "t.inStock", format: .boolean),
                AdminColumn(name: "active", label: "Active", sql: "t.active", format: .boolean),
            ],
            filters: [
                .boolean(name: "active", label: "Active", sql: "t.active"),
                .boolean(name: "in_stock", label: "In stock", sql: "t.inStock"),
                .dateRange(name: "date_updated", label: "Date updated", sql: "t.dateUpdated"),
            ],
            search: ["t.name", "t.author", "t.isbn"],
            defaultOrder: "t.name"
        )
        model.fields = [
            AdminField(name: "name", column: "name", label: "Name", kind: .text(maxLength: 200)),
            AdminField(name: "slug", column: "slug", label: "Slug", kind: .slug(from: "name"), help: "Left empty, it is made from the name."),
            AdminField(name: "author", column: "author", label: "Author", kind: .text(maxLength: 200, required: false)),
            AdminField(name: "description", column: "description", label: "Description", kind: .multiline),
            AdminField(name: "price", column: "price", label: "Price", kind: .money),
            AdminField(
                name: "tags", column: "tags", label: "Tags",
                kind: .manyToMany(
                    AdminManyToMany(
                        linkTable: "productTagLink", ownKey: "productId", otherKey: "productTagId", otherTable: "productTag", label: "name",
                        create: { db, name in try CatalogStore.ensureTag(named: name, db).id ?? 0 }
                    )
                ),
                help: "Tick the subjects; type new ones, separated by commas, to create them."
            ),
            AdminField(name: "active", column: "active", label: "Active", kind: .boolean),
            AdminField(name: "in_stock", column: "inStock", label: "In stock", kind: .boolean),
            AdminField(
                name: "stock_count", column: "stockCount", label: "Copies in stock", kind: .optionalInteger(0...1_000_000),
                help: "Left empty, copies are not counted and “In stock” alone decides."
            ),
            AdminField(name: "isbn", column: "isbn", label: "ISBN", kind: .isbn, help: "Optional: 10 or 13 digits, hyphens allowed."),
            AdminField(
                name: "format", column: "format", label: "Format", kind: .text(maxLength: BookDetails.formatMaxLength, required: false),
                help: "Optional, as customers should read it: Paperback, Hardback, …"
            ),
            AdminField(name: "page_count", column: "pageCount", label: "Pages", kind: .optionalInteger(BookDetails.pageCountRange)),
            AdminField(name: "date_updated", column: "dateUpdated", label: "Date updated", kind: .dateTime),
        ]
        model.ownerOnly = ["name", "slug"]
        model.listEditable = ["in_stock"]
        model.touch = ["dateUpdated"]
        model.addDefaults = ["dateUpdated"]
        model.warning = { db, id in
            guard let product = try Product.fetchOne(db, key: id) else { return nil }
            let reasons = product.unavailableReasons
            guard let first = reasons.first else { return nil }
            return AdminWarning(text: "Customers cannot buy it: \(reasons.map(\.text).joined(separator: ", ")).", field: first.field)
        }
        var images = AdminInline(
            title: "Images", table: "productImage", foreignKey: "productId",
            columns: [
                AdminColumn(name: "thumbnail", label: "Thumbnail", sql: "t.thumbnailHash", format: .thumbnail),
                AdminColumn(name: "created_at", label: "Uploaded", sql: "t.createdAt", format: .dateTime),
            ],
            fields: [AdminField(name: "position", column: "position", label: "Position", kind: .integer(0...1000))],
            order: "t.position, t.id"
        )
        switch site {
        case .owners, .office:
            model.permissions = [.view, .add, .change, .delete]
            model.actions = [setActive(true), setActive(false)]
            model.acceptsImages = true
        case .dispatch:
            // DispatchersProductAdmin: "in stock" is all a dispatcher changes.
            model.permissions = [.view, .change]
            model.readOnly = ["author", "description", "price", "tags", "active", "stock_count", "isbn", "format", "page_count"]
            images.readOnly = ["position"]
        }
        model.inlines = [images]
        return model
    }

    /// "Mark selected items as active" / "... inactive" (the book's `make_active`, `make_inactive`).
    static func setActive(_ active: Bool) -> AdminAction {
        AdminAction(name: active ? "make_active" : "make_inactive", label: "Mark selected items as \(active ? "active" : "inactive")") { db, ids, _ in
            try db.execute(literal: "UPDATE product SET active = \(active), dateUpdated = \(Date.now) WHERE id IN \(ids)")
            return db.changesCount
        }
    }

    static func tag(for site: AdminSite.Kind) -> AdminModel {
        var model = AdminModel(
            name: "producttag", label: "Product tag", plural: "Product tags", table: "productTag", titleSQL: "t.name",
            columns: [AdminColumn(name: "name", label: "Name", sql: "t.name"), AdminColumn(name: "slug", label: "Slug", sql: "t.slug")],
            filters: [.boolean(name: "active", label: "Active", sql: "t.active")],
            search: ["t.name"],
            defaultOrder: "t.name"
        )
        model.fields = [
            AdminField(name: "name", column: "name", label: "Name", kind: .text(maxLength: 40)),
            AdminField(name: "slug", column: "slug", label: "Slug", kind: .slug(from: "name"), help: "Left empty, it is made from the name."),
            AdminField(name: "description", column: "description", label: "Description", kind: .multiline),
            AdminField(name: "active", column: "active", label: "Active", kind: .boolean),
        ]
        model.ownerOnly = ["name", "slug"]
        switch site {
        case .owners: model.permissions = [.view, .add, .change, .delete]
        case .office: model.permissions = [.view, .change]
        case .dispatch: model.permissions = [.view]
        }
        return model
    }

    static func image(for site: AdminSite.Kind) -> AdminModel {
        var model = AdminModel(
            name: "productimage", label: "Product image", plural: "Product images", table: "productImage",
            titleSQL: "'Image ' || t.id || ' of ' || (SELECT p.name FROM product p WHERE p.id = t.productId)",
            columns: [
                AdminColumn(name: "thumbnail", label: "Thumbnail", sql: "t.thumbnailHash", format: .thumbnail, sortable: false),
                AdminColumn(name: "product_name", label: "Product name", sql: "(SELECT p.name FROM product p WHERE p.id = t.productId)"),
                AdminColumn(name: "position", label: "Position", sql: "t.position"),
            ],
            search: ["(SELECT p.name FROM product p WHERE p.id = t.productId)"],
            defaultOrder: "t.productId, t.position, t.id"
        )
        model.fields = [
            AdminField(name: "product", column: "productId", label: "Product", kind: .foreignKey(table: "product", label: "name")),
            AdminField(name: "position", column: "position", label: "Position", kind: .integer(0...1000), help: "The product page shows the lowest first."),
            AdminField(name: "created_at", column: "createdAt", label: "Uploaded", kind: .dateTime),
        ]
        model.readOnly = ["product"]
        model.permissions = site == .dispatch ? [] : [.view, .change, .delete]
        return model
    }
}
