/// The basket page's form: a quantity per line (`quantity_<line id>`) and an optional `remove`
/// naming one line. Anything malformed is an error and nothing changes.
struct BasketForm {
    struct Invalid: Error {
        let message: String
    }

    let quantities: [Int64: Int]
    let remove: Set<Int64>

    static func parse(_ data: FormData) -> Result<BasketForm, Invalid> {
        var quantities: [Int64: Int] = [:]
        for field in data.fields where field.name.hasPrefix("quantity_") {
            guard let lineID = Int64(field.name.dropFirst("quantity_".count)) else {
                return .failure(Invalid(message: "That line is not in your basket. Reload the page and try again."))
            }
            guard let quantity = Int(field.value.trimmingCharacters(in: .whitespaces)), (1...BasketLine.maxQuantity).contains(quantity) else {
                return .failure(Invalid(message: "Each quantity must be a whole number from 1 to \(BasketLine.maxQuantity)."))
            }
            quantities[lineID] = quantity
        }
        var remove: Set<Int64> = []
        for value in data.values("remove") {
            guard let lineID = Int64(value) else {
                return .failure(Invalid(message: "That line is not in your basket. Reload the page and try again."))
            }
            remove.insert(lineID)
        }
        return .success(BasketForm(quantities: quantities, remove: remove))
    }
}
