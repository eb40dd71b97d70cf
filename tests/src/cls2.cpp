// cls2.cpp - a second translation unit using the exported class: its inline
// members are exported again from here, as compilers do.
#define API __declspec(dllexport)
struct API Shape {
	Shape();
	virtual ~Shape();
	virtual double area() const;
	int id() const { return id_; }
	static int count;
private:
	int id_;
};
API int shape_id(const Shape &s) { return s.id(); }
