import Foundation
import GRDB

/// What every back-office page shows around its content: the site's header and colours.
struct AdminSiteView {
    let kind: String
    let header: String
    let headerColor: String
    let captionColor: String
    let indexURL: String
    let logURL: String?

    init(_ site: AdminSite, actor: AdminActor?) {
        kind = site.kind.rawValue
        header = site.header
        headerColor = site.headerColor
        captionColor = site.captionColor
        indexURL = site.indexURL
        logURL = site.kind == .owners && actor?.isOwner == true ? site.logURL : nil
    }
}

/// A model's list page (Django's change list): search, filters, sortable headers, list-editable
/// cells, bulk actions and pages, all from the model's declaration.
struct AdminListPage {
    struct FilterOption {
        let label: String
        let url: String
        let selected: Bool
    }

    struct Filter {
        let label: String
        let options: [FilterOption]
        let isDateRange: Bool
        let fromName: String
        let toName: String
        let from: String
        let to: String
    }

    struct QueryField {
        let name: String
        let value: String
    }

    struct Header {
        let label: String
        let sortURL: String?
        let sortedAscending: Bool
        let sortedDescending: Bool
    }

    struct Cell {
        let text: String
        let thumbnailURL: String?
        let linkURL: String?
        /// A list-editable column's input, in place of its text.
        var input: AdminFieldView? = nil
    }

    struct Row {
        let id: Int64
        let cells: [Cell]
        let inputs: [AdminFieldView]
    }

    let site: AdminSiteView
    let modelLabel: String
    let modelPlural: String
    let addURL: String?
    let listURL: String
    let hasSearch: Bool
    let search: String
    /// The current filters and sort, kept by the search and date forms.
    let hiddenQuery: [QueryField]
    let hasErrors: Bool
    /// The list's current query, so a POST can come back to the same view.
    let queryString: String
    /// `AdminModel.listNotice`: a banner above the list.
    let notice: String?
    let filters: [Filter]
    let headers: [Header]
    let editableHeaders: [String]
    let rows: [Row]
    let actions: [AdminChoice]
    let hasListEditable: Bool
    let countText: String
    /// More rows match than this page shows: offer to act on all of them.
    let canSelectAcross: Bool
    let previousURL: String?
    let nextURL: String?
    let pageText: String

    init(
        site: AdminSite, model: AdminModel, actor: AdminActor, query: AdminListQuery, rows: [AdminListRow], total: Int,
        currency: Currency, errors: [String: String] = [:]
    ) {
        self.site = AdminSiteView(site, actor: actor)
        modelLabel = model.label
        modelPlural = model.plural
        notice = model.listNotice
        addURL = model.can(.add) ? site.addURL(model) : nil
        listURL = site.listURL(model)
        hasSearch = !model.search.isEmpty
        search = query.search

        let base = site.listURL(model)
        func url(_ changed: AdminListQuery) -> String { base + Self.queryString(changed) }

        filters = model.filters.map { filter in
            switch filter {
            case .boolean(let name, let label, _):
                let choices = [AdminChoice(value: "1", label: "Yes"), AdminChoice(value: "0", label: "No")]
                return Self.choiceFilter(name: name, label: label, choices: choices, query: query, url: url)
            case .choice(let name, let label, _, let choices):
                return Self.choiceFilter(name: name, label: label, choices: choices, query: query, url: url)
            case .dateRange(let name, let label, _):
                return Filter(
                    label: label, options: [], isDateRange: true, fromName: name + "__from", toName: name + "__to",
                    from: query.filters[name + "__from"] ?? "", to: query.filters[name + "__to"] ?? ""
                )
            }
        }
        queryString = String(Self.queryString(query).dropFirst())
        hiddenQuery = query.filters.sorted { $0.key < $1.key }.map { QueryField(name: $0.key, value: $0.value) }
            + (query.sort.map { [QueryField(name: "o", value: $0)] } ?? [])
        hasErrors = !errors.isEmpty

        headers = Self.headers(model, query: query, url: url)
        let readOnly = model.readOnlyFields(isOwner: actor.isOwner)
        let editable = model.listEditable.compactMap(model.field).filter { !readOnly.contains($0.name) }
        // An editable field with a column of its own is edited in that column (Django's way).
        let extra = editable.filter { field in !model.columns.contains { $0.name == field.name } }
        editableHeaders = extra.map(\.label)
        hasListEditable = !editable.isEmpty
        self.rows = rows.map { row in
            let titleColumn = model.columns.firstIndex { column in
                if case .thumbnail = column.format { return false }
                return true
            }
            func input(_ field: AdminField) -> AdminFieldView {
                AdminFieldView(
                    field: field, inputName: "row-\(row.id)-\(field.name)", value: row.editable[field.name] ?? .null,
                    readOnly: false, error: errors["row-\(row.id)-\(field.name)"], currency: currency
                )
            }
            let cells = model.columns.enumerated().map { index, column -> Cell in
                let value = row.values[index]
                // The first column links to the record, and the first text column too when a
                // picture comes first (a title reads as a link; a thumbnail alone does not).
                let link = index == 0 || index == titleColumn ? site.changeURL(model, id: row.id) : nil
                if let field = editable.first(where: { $0.name == column.name }), index > 0 {
                    return Cell(text: "", thumbnailURL: nil, linkURL: nil, input: input(field))
                }
                if case .thumbnail = column.format, let hash = String.fromDatabaseValue(value) {
                    return Cell(text: "", thumbnailURL: Routes.image(hash: hash), linkURL: link)
                }
                return Cell(text: AdminValues.display(value, format: column.format, currency: currency), thumbnailURL: nil, linkURL: link)
            }
            return Row(id: row.id, cells: cells, inputs: extra.map(input))
        }
        actions = model.actions.map { AdminChoice(value: $0.name, label: $0.label) }
            + (model.can(.delete) ? [AdminChoice(value: "delete_selected", label: "Delete selected \(model.plural.lowercased())")] : [])

        canSelectAcross = !actions.isEmpty && total > rows.count
        countText = model.counted(total)
        (pageText, previousURL, nextURL) = Self.pager(total: total, query: query, url: url)
    }

    /// Sortable column headers: a click sorts by the column, a second click the other way.
    static func headers(_ model: AdminModel, query: AdminListQuery, url: (AdminListQuery) -> String) -> [Header] {
        model.columns.map { column in
            guard column.sortable else { return Header(label: column.label, sortURL: nil, sortedAscending: false, sortedDescending: false) }
            var next = query
            next.page = 1
            next.sort = query.sort == column.name ? "-" + column.name : column.name
            return Header(
                label: column.label, sortURL: url(next), sortedAscending: query.sort == column.name, sortedDescending: query.sort == "-" + column.name
            )
        }
    }

    /// "Page 2 of 7", and the URLs of the pages either side, if any.
    static func pager(total: Int, query: AdminListQuery, url: (AdminListQuery) -> String) -> (text: String, previous: String?, next: String?) {
        let pager = Pager(page: query.page, pageSize: AdminListQuery.pageSize, totalCount: total)
        return (
            "Page \(pager.page) of \(pager.pageCount)",
            pager.previous.map { url(query.with(page: $0)) },
            pager.next.map { url(query.with(page: $0)) }
        )
    }

    static func choiceFilter(
        name: String, label: String, choices: [AdminChoice], query: AdminListQuery, url: (AdminListQuery) -> String
    ) -> Filter {
        var all = query
        all.filters[name] = nil
        all.page = 1
        let options = [FilterOption(label: "All", url: url(all), selected: query.filters[name] == nil)]
            + choices.map { choice in
                var chosen = query
                chosen.filters[name] = choice.value
                chosen.page = 1
                return FilterOption(label: choice.label, url: url(chosen), selected: query.filters[name] == choice.value)
            }
        return Filter(label: label, options: options, isDateRange: false, fromName: "", toName: "", from: "", to: "")
    }

    /// `?q=...&status=20&o=-name&p=2`, empty parts left out.
    static func queryString(_ query: AdminListQuery) -> String {
        var parts: [String] = []
        if !query.search.isEmpty { parts.append("q=" + Routes.queryEncoded(query.search)) }
        for (name, value) in query.filters.sorted(by: { $0.key < $1.key }) where !value.isEmpty {
            parts.append(Routes.queryEncoded(name) + "=" + Routes.queryEncoded(value))
        }
        if let sort = query.sort { parts.append("o=" + Routes.queryEncoded(sort)) }
        if query.page > 1 { parts.append("p=\(query.page)") }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }

    /// The list query from a URL's query string (`Request.queryForm`); unknown names are ignored.
    static func query(_ parameters: FormData, model: AdminModel) -> AdminListQuery {
        var query = AdminListQuery()
        query.search = String((parameters.value("q") ?? "").prefix(200))
        query.sort = parameters.value("o")
        query.page = Pager.requested(parameters.value("p"))
        for filter in model.filters {
            for name in [filter.name, filter.name + "__from", filter.name + "__to"] {
                if let value = parameters.value(name), !value.isEmpty { query.filters[name] = String(value.prefix(40)) }
            }
        }
        return query
    }
}
