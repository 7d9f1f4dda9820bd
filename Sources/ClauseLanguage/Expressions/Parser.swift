/// Parses one expression string into an `Expr`, by precedence climbing. The grammar is written
/// out in docs/reference/language.md; in short, loosest first:
///
///     expr       := or ('otherwise' or)*
///     or         := and ('or' and)*
///     and        := not ('and' not)*
///     not        := 'not' not | comparison
///     comparison := sum (('=='|'!='|'<'|'<='|'>'|'>='|'in'|'not' 'in') sum)?
///     sum        := product (('+'|'-') product)*
///     product    := unary (('*'|'/') unary)*
///     unary      := '-' unary | postfix
///     postfix    := primary ('.' identifier | '[' expr ']')*
///     primary    := literal | identifier | call | aggregate | '(' expr ')' | '[' (expr (',' expr)*)? ']'
///                 | 'if' expr 'then' expr 'else' expr
///     aggregate  := ('sum'|'count'|'any'|'all'|'min'|'max') '(' expr 'for' identifier 'in' expr ('if' expr)? ')'
///     literal    := date ('..' date)? | money | percent | integer unit? | text | 'true' | 'false' | 'none'
package struct Parser {
    package struct Failure: Error, Equatable {
        package var message: String
        package var offset: Int
        package init(message: String, offset: Int) {
            self.message = message
            self.offset = offset
        }
    }

    private let tokens: [Token]
    private var p = 0
    /// Guards against pathological nesting such as ten thousand '('.
    private var depth = 0
    private static let maxDepth = 100
    /// The deepest expression tree accepted: loops build chains (`n.x.x…`, `a and b
    /// and …`) that the recursion guard above never sees, and the checker, the interpreters and
    /// the trace all recurse over the tree. A definition's own depth adds to the depth of every
    /// expression that uses it (`PolicyLoader`), under the same limit.
    package static let maxTreeDepth = 200

    package static func parse(_ text: String) -> Result<Expr, Failure> {
        switch Lexer.tokens(text) {
        case .failure(let f): return .failure(Failure(message: f.message, offset: f.offset))
        case .success(let tokens):
            var parser = Parser(tokens: tokens)
            do {
                let e = try parser.expression()
                guard parser.current.kind == .end else {
                    throw Failure(message: "unexpected \(parser.describe(parser.current)) after the expression", offset: parser.current.start)
                }
                // A tree is never deeper than it has tokens: only long expressions need the walk.
                if tokens.count > maxTreeDepth {
                    let (depth, at) = treeDepth(e)
                    if depth > maxTreeDepth { throw Failure(message: "expression nested too deeply (limit \(maxTreeDepth))", offset: at) }
                }
                return .success(e)
            } catch let f as Failure {
                return .failure(f)
            } catch {
                return .failure(Failure(message: "unreadable expression", offset: 0))
            }
        }
    }

    private init(tokens: [Token]) { self.tokens = tokens }

    /// The depth of `e`'s tree and where its deepest node starts, by an explicit stack (the
    /// tree may be too deep to walk by recursion: that is what is being measured).
    package static func treeDepth(_ e: Expr) -> (depth: Int, offset: Int) {
        var stack: [(Expr, Int)] = [(e, 1)]
        var deepest = (depth: 0, offset: e.start)
        while let (x, d) = stack.popLast() {
            if d > deepest.depth { deepest = (d, x.start) }
            switch x.kind {
            case .literal, .name: break
            case .member(let b, _), .negate(let b), .not(let b): stack.append((b, d + 1))
            case .binary(_, let a, let b), .otherwise(let a, let b), .index(let a, let b): stack.append((a, d + 1)); stack.append((b, d + 1))
            case .call(_, let args): for a in args { stack.append((a, d + 1)) }
            case .list(let items): for a in items { stack.append((a, d + 1)) }
            case .aggregate(_, let body, _, let source, let filter):
                stack.append((body, d + 1)); stack.append((source, d + 1))
                if let filter { stack.append((filter, d + 1)) }
            case .conditional(let c, let a, let b): stack.append((c, d + 1)); stack.append((a, d + 1)); stack.append((b, d + 1))
            }
        }
        return deepest
    }

    private var current: Token { tokens[p] }
    private mutating func advance() -> Token {
        let t = tokens[p]
        if p < tokens.count - 1 { p += 1 }
        return t
    }

    private func isSymbol(_ s: Token.Symbol) -> Bool { current.kind == .symbol(s) }
    private func isKeyword(_ k: Token.Keyword) -> Bool { current.kind == .keyword(k) }

    private mutating func expect(_ s: Token.Symbol, _ what: String) throws -> Token {
        guard isSymbol(s) else { throw Failure(message: "expected \(what), found \(describe(current))", offset: current.start) }
        return advance()
    }

    private func describe(_ t: Token) -> String {
        switch t.kind {
        case .end: "the end of the expression"
        case .identifier(let n): "'\(n)'"
        case .keyword(let k): "'\(k.rawValue)'"
        case .symbol(let s): "'\(s.rawValue)'"
        case .string(let s): "\"\(s)\""
        case .integer(let s), .decimal(let s), .date(let s): "'\(s)'"
        case .money(let s, let w): "'\(s)\(w ? "万元" : "元")'"
        case .percent(let s): "'\(s)%'"
        }
    }

    private mutating func nested<T>(_ body: (inout Parser) throws -> T) throws -> T {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Parser.maxDepth else { throw Failure(message: "expression nested too deeply", offset: current.start) }
        return try body(&self)
    }

    private mutating func expression() throws -> Expr {
        try nested { p in
            var left = try p.or()
            while p.isKeyword(.otherwise) {
                _ = p.advance()
                let right = try p.or()
                left = Expr(.otherwise(left, right), left.start, right.end)
            }
            return left
        }
    }

    private mutating func or() throws -> Expr {
        var left = try and()
        while isKeyword(.or) {
            _ = advance()
            let right = try and()
            left = Expr(.binary(.or, left, right), left.start, right.end)
        }
        return left
    }

    private mutating func and() throws -> Expr {
        var left = try not()
        while isKeyword(.and) {
            _ = advance()
            let right = try not()
            left = Expr(.binary(.and, left, right), left.start, right.end)
        }
        return left
    }

    private mutating func not() throws -> Expr {
        if isKeyword(.not) {
            let t = advance()
            let operand = try nested { try $0.not() }
            return Expr(.not(operand), t.start, operand.end)
        }
        return try comparison()
    }

    private mutating func comparison() throws -> Expr {
        let left = try sum()
        let op: BinaryOperator?
        switch current.kind {
        case .symbol(.equal): op = .equal
        case .symbol(.notEqual): op = .notEqual
        case .symbol(.less): op = .less
        case .symbol(.lessEqual): op = .lessEqual
        case .symbol(.greater): op = .greater
        case .symbol(.greaterEqual): op = .greaterEqual
        case .keyword(.in): op = .in
        case .keyword(.not) where tokens[min(p + 1, tokens.count - 1)].kind == .keyword(.in):
            _ = advance()
            op = .notIn
        default: op = nil
        }
        guard let op else { return left }
        _ = advance()
        let right = try sum()
        if case .symbol(let s) = current.kind, [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual].contains(s) {
            throw Failure(message: "comparisons do not chain: write 'a < b and b < c'", offset: current.start)
        }
        return Expr(.binary(op, left, right), left.start, right.end)
    }

    private mutating func sum() throws -> Expr {
        var left = try product()
        while isSymbol(.plus) || isSymbol(.minus) {
            let op: BinaryOperator = advance().kind == .symbol(.plus) ? .add : .subtract
            let right = try product()
            left = Expr(.binary(op, left, right), left.start, right.end)
        }
        return left
    }

    private mutating func product() throws -> Expr {
        var left = try unary()
        while isSymbol(.times) || isSymbol(.divide) {
            let op: BinaryOperator = advance().kind == .symbol(.times) ? .multiply : .divide
            let right = try unary()
            left = Expr(.binary(op, left, right), left.start, right.end)
        }
        return left
    }

    private mutating func unary() throws -> Expr {
        if isSymbol(.minus) {
            let t = advance()
            let operand = try nested { try $0.unary() }
            return Expr(.negate(operand), t.start, operand.end)
        }
        return try postfix()
    }

    private mutating func postfix() throws -> Expr {
        var e = try primary()
        while isSymbol(.dot) || isSymbol(.leftBracket) {
            if isSymbol(.leftBracket) {
                // `tier_caps[project.digital_level]`: a row of a table.
                _ = advance()
                let key = try expression()
                let close = try expect(.rightBracket, "']'")
                e = Expr(.index(e, key), e.start, close.end)
                continue
            }
            _ = advance()
            guard case .identifier(let name) = current.kind else {
                throw Failure(message: "expected a field name after '.', found \(describe(current))", offset: current.start)
            }
            let t = advance()
            e = Expr(.member(e, name), e.start, t.end)
        }
        return e
    }

    /// The units a duration may be written in, and which part of a duration each one fills.
    private static func duration(_ n: Int, unit: String) -> CalendarDuration? {
        switch unit {
        case "year", "years", "年": CalendarDuration(years: n)
        case "month", "months", "个月": CalendarDuration(months: n)
        case "day", "days", "天", "日": CalendarDuration(days: n)
        default: nil
        }
    }

    private mutating func primary() throws -> Expr {
        let t = current
        switch t.kind {
        case .integer(let digits):
            _ = advance()
            if case .identifier(let unit) = current.kind, Parser.duration(0, unit: unit) != nil {
                let u = advance()
                guard digits.count <= 4, let n = Int(digits), let d = Parser.duration(n, unit: unit) else {
                    throw Failure(message: "duration too long", offset: t.start)
                }
                return Expr(.literal(.value(.duration(d))), t.start, u.end)
            }
            guard digits.count <= 18, let n = Int64(digits) else {
                throw Failure(message: "number too large: at most 18 digits", offset: t.start)
            }
            return Expr(.literal(.value(.int(n))), t.start, t.end)
        case .decimal(let d):
            throw Failure(message: "a bare decimal '\(d)' has no unit: write it as money ('\(d)万元', '\(d)元') or a percentage", offset: t.start)
        case .money(let digits, let tenThousand):
            _ = advance()
            switch DecimalText.scaled(Substring(digits), scale: tenThousand ? 6 : 2, maxDigits: tenThousand ? 9 : 13) {
            case .success(let fen): return Expr(.literal(.value(.money(Money(fen: fen)))), t.start, t.end)
            case .failure(.tooManyDecimals):
                throw Failure(message: "an amount has at most two decimals of yuan (fen)", offset: t.start)
            case .failure:
                throw Failure(message: "amount too large: at most 1万亿元", offset: t.start)
            }
        case .percent(let digits):
            _ = advance()
            switch DecimalText.scaled(Substring(digits), scale: 4, maxDigits: 6) {
            case .success(let v): return Expr(.literal(.value(.percent(Percent(millionths: v)))), t.start, t.end)
            case .failure(.tooManyDecimals): throw Failure(message: "a percentage has at most four decimals", offset: t.start)
            case .failure: throw Failure(message: "percentage too large", offset: t.start)
            }
        case .date(let text):
            _ = advance()
            guard let d = CivilDate(iso: Substring(text)) else {
                throw Failure(message: CivilDate.notADate(Substring(text)), offset: t.start)
            }
            if isSymbol(.range) {
                _ = advance()
                guard case .date(let endText) = current.kind else {
                    throw Failure(message: "expected the end date of the period after '..'", offset: current.start)
                }
                let e = advance()
                guard let end = CivilDate(iso: Substring(endText)) else {
                    throw Failure(message: CivilDate.notADate(Substring(endText)), offset: e.start)
                }
                guard d <= end else { throw Failure(message: "the period ends before it starts", offset: e.start) }
                return Expr(.literal(.value(.period(Period(start: d, end: end)))), t.start, e.end)
            }
            return Expr(.literal(.value(.date(d))), t.start, t.end)
        case .string(let s):
            _ = advance()
            return Expr(.literal(.value(.text(s))), t.start, t.end)
        case .keyword(.true):
            _ = advance()
            return Expr(.literal(.value(.bool(true))), t.start, t.end)
        case .keyword(.false):
            _ = advance()
            return Expr(.literal(.value(.bool(false))), t.start, t.end)
        case .keyword(.none):
            _ = advance()
            return Expr(.literal(.value(.none)), t.start, t.end)
        case .keyword(.if):
            _ = advance()
            let condition = try expression()
            guard isKeyword(.then) else { throw Failure(message: "expected 'then' after the condition of 'if'", offset: current.start) }
            _ = advance()
            let a = try expression()
            guard isKeyword(.else) else { throw Failure(message: "expected 'else': an 'if' needs both branches", offset: current.start) }
            _ = advance()
            let b = try nested { try $0.expression() }
            return Expr(.conditional(condition, then: a, else: b), t.start, b.end)
        case .symbol(.leftParen):
            _ = advance()
            let inner = try expression()
            let close = try expect(.rightParen, "')'")
            return Expr(inner.kind, t.start, close.end)
        case .symbol(.leftBracket):
            _ = advance()
            var items: [Expr] = []
            if !isSymbol(.rightBracket) {
                items.append(try expression())
                while isSymbol(.comma) {
                    _ = advance()
                    items.append(try expression())
                }
            }
            let close = try expect(.rightBracket, "',' or ']'")
            return Expr(.list(items), t.start, close.end)
        case .identifier(let name):
            _ = advance()
            if isSymbol(.leftParen) { return try call(name, t) }
            return Expr(.name(name), t.start, t.end)
        default:
            throw Failure(message: "expected a value, found \(describe(t))", offset: t.start)
        }
    }

    private mutating func call(_ name: String, _ t: Token) throws -> Expr {
        _ = advance()
        var args: [Expr] = []
        if !isSymbol(.rightParen) {
            let first = try expression()
            if isKeyword(.for), let agg = Aggregate(rawValue: name) {
                _ = advance()
                guard case .identifier(let variable) = current.kind else {
                    throw Failure(message: "expected a name for each element after 'for'", offset: current.start)
                }
                _ = advance()
                guard isKeyword(.in) else { throw Failure(message: "expected 'in' after '\(variable)'", offset: current.start) }
                _ = advance()
                let source = try or()
                var filter: Expr?
                if isKeyword(.if) {
                    _ = advance()
                    filter = try or()
                }
                let close = try expect(.rightParen, "')'")
                return Expr(.aggregate(agg, body: first, variable: variable, source: source, filter: filter), t.start, close.end)
            }
            if isKeyword(.for) {
                throw Failure(message: "'for' works inside sum, count, any, all, min and max only", offset: current.start)
            }
            args.append(first)
            while isSymbol(.comma) {
                _ = advance()
                args.append(try expression())
            }
        }
        let close = try expect(.rightParen, "',' or ')'")
        return Expr(.call(name, args), t.start, close.end)
    }
}
