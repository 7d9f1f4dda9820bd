extension String {
    /// `body` over the text's UTF-8 where it lies. `withUTF8` needs a `var`, and copying a text
    /// into one to call it retained and released the text: for every text a case is read with
    /// and every one its line is written with.
    @inlinable package func withUTF8InPlace<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}
